"""A page's absolute address, and its QR code as SVG (segno), for printing on paper."""

from __future__ import annotations

import io

import segno
from fastapi import Request
from markupsafe import Markup

from registry.settings import Settings

SCALE = 4  # SVG units per module: the drawing is scaled by CSS, never blurred
BORDER = 4  # the quiet zone the QR specification asks for, in modules


def absolute_url(request: Request, settings: Settings, path: str) -> str:
    """`path` on the configured public base URL, else on the request's own."""
    base = settings.public_url or str(request.base_url)
    return base.rstrip("/") + path


def _svg(text: str, **options: object) -> bytes:
    """The QR code of `text` as SVG (error level M: it still reads with a crease or a smudge)."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=SCALE, border=BORDER, dark="#000", light="#fff", **options)
    return out.getvalue()


def qr_svg(text: str) -> bytes:
    """A standalone SVG document of the QR code that encodes `text`, for download (sized
    in CSS pixels: 4 a module)."""
    return _svg(text)


def inline_qr(text: str) -> Markup:
    """The QR code as an `<svg>` element to put in a page; the page's caption names it (the
    drawing itself is hidden from assistive technology)."""
    svg = _svg(text, xmldecl=False, svgclass="qr", lineclass=None, omitsize=True).decode("ascii")
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))

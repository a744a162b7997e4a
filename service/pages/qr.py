"""A page's absolute address, and its QR code as SVG (segno), for printing on paper."""

from __future__ import annotations

import functools
import io

import segno
from fastapi import Request

from registry.settings import Settings

CACHED = 2048  # QR codes kept (about 2.3 KB each): a page re-rendered after any event reuses it
SCALE = 4  # SVG units per module: the drawing is scaled by CSS, never blurred
BORDER = 4  # the quiet zone the QR specification asks for, in modules


def absolute_url(request: Request, settings: Settings, path: str) -> str:
    """`path` on the configured public base URL, else on the request's own."""
    base = settings.public_url or str(request.base_url)
    return base.rstrip("/") + path


@functools.lru_cache(maxsize=CACHED)
def qr_svg(text: str) -> bytes:
    """A standalone SVG document of the QR code that encodes `text` (error level M: it still
    reads with a crease or a smudge), sized in CSS pixels, 4 a module. Drawing one takes
    about 6 ms of Python, so the page shows it as an image of its own (`/leaders/{id}/qr.svg`)
    and the codes drawn are kept."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=SCALE, border=BORDER, dark="#000", light="#fff")
    return out.getvalue()

"""A page's answer: rendered HTML with its language, ETag and read-cache hint."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.responses import HTMLResponse, Response

from service import cache
from service.languages import LANGUAGES, negotiate
from service.pages.templating import render

VARY = "Cookie, Accept-Language"


def language_of(request: Request) -> str:
    """The page's language: the switch's cookie, else `Accept-Language`, else Chinese."""
    return negotiate(request.headers)


def here(request: Request) -> str:
    """This page's path and query, to come back to after switching language."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def switch_links(request: Request, language: str) -> list[dict[str, str]]:
    """The language switch: a link per other language, back to this page."""
    back = quote(here(request), safe="")
    return [
        {"lang": other, "href": f"/language?to={other}&next={back}"}
        for other in LANGUAGES
        if other != language
    ]


def html(
    request: Request,
    template: str,
    *,
    status: int = 200,
    language: str | None = None,
    fresh_until: datetime | None = None,
    cached: bool = True,
    **context: Any,
) -> Response:
    """Render `template`; a 200 is cacheable like the API reads until `fresh_until`, and
    answers 304 to a matching `If-None-Match`."""
    language = language or language_of(request)
    body = render(
        language,
        template,
        path=request.url.path,
        switch=switch_links(request, language),
        **context,
    ).encode()
    headers = {"Vary": VARY, "Content-Language": language}
    if status == 200:
        headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if headers["ETag"] in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if cached:
            cache.cacheable(request, fresh_until)
    return HTMLResponse(body, status_code=status, headers=headers)

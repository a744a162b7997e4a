"""Friendly error pages, in the page's language, for the website's paths; the API (and any
other route) keeps its problem+json answers (`service.problems`)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from projections.machinery.outages import DATABASE_ERRORS, UNAVAILABLE, unavailable
from service import problems
from service.pages import site
from service.pages.filters import BadFilter
from service.pages.respond import html

log = logging.getLogger(__name__)


def _page(request: Request) -> bool:
    return site.is_page(request.url.path)


def error_page(request: Request, status: int, kind: str, field: str | None = None) -> Response:
    return html(request, "error.html", status=status, kind=kind, field=field, status_code=status)


def install(app: FastAPI) -> None:
    """Put the page errors before the problems (`problems.install` first)."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _page(request):
            return await problems.http_error(request, exc)
        kind = "not_found" if exc.status_code == 404 else "error"
        return error_page(request, exc.status_code, kind)

    async def bad_filter(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadFilter)
        return error_page(request, 400, "bad_filter", exc.field)

    async def invalid(request: Request, exc: Exception) -> Response:
        if not _page(request):
            return await problems.validation_error(request, exc)
        assert isinstance(exc, RequestValidationError)
        fields = [problems.field_name(tuple(e["loc"])) for e in exc.errors()]
        return error_page(request, 400, "bad_filter", fields[0] if fields else None)

    async def unexpected(request: Request, exc: Exception) -> Response:
        if not _page(request):
            return await problems.unexpected_error(request, exc)
        if unavailable(exc):
            log.warning("%s: a database is unreachable: %s", request.url.path, exc)
            page = error_page(request, 503, "unavailable")
            page.headers["Retry-After"] = str(problems.RETRY_AFTER)
            return page
        log.error("unhandled error on a page", exc_info=exc)
        return error_page(request, 500, "error")

    async def database(request: Request, exc: Exception) -> Response:
        if not _page(request):
            if isinstance(exc, UNAVAILABLE):
                return await problems.store_unavailable(request, exc)
            return await problems.database_error(request, exc)
        return await unexpected(request, exc)

    app.add_exception_handler(StarletteHTTPException, http_error)
    for error in (*UNAVAILABLE, *DATABASE_ERRORS):
        app.add_exception_handler(error, database)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(BadFilter, bad_filter)
    app.add_exception_handler(Exception, unexpected)

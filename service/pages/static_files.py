"""`/static/...`: the pages' CSS and the docs' vendored scripts, served by the service."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/static"
# A day: the files change only with a release (ETag and Last-Modified revalidate them).
CACHE_CONTROL = "public, max-age=86400"


class CachedStaticFiles(StaticFiles):
    """Starlette's static files, with a `Cache-Control` on what they answer."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def static_files() -> CachedStaticFiles:
    return CachedStaticFiles(directory=STATIC)

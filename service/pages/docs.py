"""`/docs` (Swagger UI) and `/redoc` (ReDoc) from assets the service serves itself."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse

from service.pages.static_files import PREFIX

SWAGGER = f"{PREFIX}/vendor/swagger-ui"
REDOC = f"{PREFIX}/vendor/redoc"
FAVICON = f"{SWAGGER}/favicon-32x32.png"
DOCS, REDOC_PATH, OAUTH2_REDIRECT = "/docs", "/redoc", "/docs/oauth2-redirect"
PATHS = (DOCS, REDOC_PATH, OAUTH2_REDIRECT)


def install(app: FastAPI) -> None:
    """The docs routes (the app is made with `docs_url=None, redoc_url=None`)."""

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=FAVICON,
            oauth2_redirect_url=OAUTH2_REDIRECT,
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{REDOC}/redoc.standalone.js",
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )

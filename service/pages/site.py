"""The website: the routers that serve its pages, and which paths are its own."""

from __future__ import annotations

from fastapi import APIRouter

from service.pages import (
    audit,
    bodies,
    complaints,
    docs,
    enterprises,
    feeds,
    leader_page,
    notices,
    reports,
    routes,
    scheme_page,
)

# Each page module's router; a new page module adds its router here.
ROUTERS: tuple[APIRouter, ...] = (
    routes.router,
    leader_page.router,
    scheme_page.router,
    enterprises.router,
    bodies.router,
    notices.router,
    complaints.router,
    audit.router,
    reports.router,
    feeds.router,
)

# Paths that are not the website's: a miss under them answers problem+json.
NOT_PAGES = ("/v1/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/static/")


def is_page(path: str) -> bool:
    """A path of the website (a page, or a miss that gets a friendly error page)."""
    return not path.startswith(NOT_PAGES) and path != "/v1" and path not in docs.PATHS

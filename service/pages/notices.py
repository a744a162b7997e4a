"""The notice board page (公示): what `/v1/notices` lists, by kind, paged."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from projections.notice_feed import Feed
from projections.notices import NoticeKind, notices_page
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.pages import feed_links
from service.pages.filters import PAGE_SIZE, BadFilter, page_number
from service.pages.paging import Pager
from service.pages.respond import html
from service.pages.routes import Text

router = APIRouter(include_in_schema=False)


def _kind(value: str | None) -> NoticeKind | None:
    if not value:
        return None
    try:
        return NoticeKind(value)
    except ValueError:
        raise BadFilter("kind") from None


@router.get("/notices")
async def notices(
    request: Request, conn: ReadConn, registry: RegistryDep, kind: Text = None, page: Text = None
) -> Response:
    """The notices of every kind (or one), newest first, a page at a time."""
    chosen = _kind(kind)
    params = {"kind": chosen.value} if chosen else {}
    pager = Pager("/notices", page_number(page), 0, PAGE_SIZE, params)
    found, fresh_until = await notices_page(
        conn, now=registry.now(), kind=chosen, limit=PAGE_SIZE, offset=pager.offset
    )
    pager = Pager("/notices", pager.page, found["total"], PAGE_SIZE, params)
    api = {**params, "limit": str(PAGE_SIZE), "offset": str(pager.offset)}
    return html(
        request,
        "notices.html",
        fresh_until=fresh_until,  # a window closes, or a title reaches its end
        notices=found["items"],
        kind=chosen.value if chosen else "",
        kinds=[k.value for k in NoticeKind],
        pager=pager,
        api_query=api,
        feeds=feed_links.links(Feed()),
    )

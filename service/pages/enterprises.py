"""An enterprise's page: its names over time, declarations, titles now and before, and its
history (what `/v1/enterprises/{credit_code}`, its history and `/v1/candidacies` answer)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import TypeAdapter, ValidationError
from starlette.responses import Response

from projections import enterprise_queries, queries
from projections.lists.candidacies import c, candidacies_select, candidacy_item
from projections.lists.paging import page
from projections.notice_feed import Feed
from registry.inputs import CreditCode
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.pages import feed_links
from service.pages.filters import BadFilter
from service.pages.respond import html
from service.pages.routes import Text
from service.schemas.common import MAX_POSITION

router = APIRouter(include_in_schema=False)
_CREDIT_CODE: TypeAdapter[str] = TypeAdapter(CreditCode)
HISTORY_PAGE = 50  # events a page of the history shows
MAX_TITLES = 200  # titles shown (newest entered first); the API pages through them all
IN_FORCE = ("awarded", "under_complaint")


def _after(value: str | None) -> int:
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_POSITION:
        raise BadFilter("after")
    return int(value)


def credit_code_or_404(value: str) -> str:
    """A credit code as the records key it; one that is malformed names no enterprise."""
    try:
        return _CREDIT_CODE.validate_python(value)
    except ValidationError:
        raise HTTPException(404) from None


@router.get("/enterprises/{credit_code}")
async def enterprise(
    request: Request,
    credit_code: str,
    conn: ReadConn,
    registry: RegistryDep,
    after: Text = None,
) -> Response:
    """One enterprise; its history a page at a time from the position `after`."""
    code = credit_code_or_404(credit_code)
    since = _after(after)
    now = registry.now()
    record = await enterprise_queries.enterprise(conn, code, now=now)
    if record is None:
        raise HTTPException(404)
    awarded = candidacies_select(now=now, credit_code=code).where(c.awarded_at.is_not(None))
    titles, _ = await page(conn, awarded, candidacy_item, limit=MAX_TITLES, offset=0)
    events = await queries.enterprise_history(conn, code, after=since, limit=HISTORY_PAGE + 1)
    more = len(events) > HISTORY_PAGE
    events = events[:HISTORY_PAGE]
    return html(
        request,
        "enterprise.html",
        # The first title in force to end changes what this page says of it.
        fresh_until=cache.earliest_after(
            now, (t["valid_until"] for t in record["titles_in_force"])
        ),
        enterprise=record,
        before=[t for t in titles if t["status"] not in IN_FORCE],
        events=events,
        after=since,
        next_after=events[-1]["position"] if more else None,
        feeds=feed_links.links(Feed("enterprise", code)),
    )

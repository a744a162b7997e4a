"""A scheme's page: the scheme, its indicators and timeline, its ranking a page at a time
(`/v1/schemes/{id}` and `/v1/schemes/{id}/ranking`'s reads), a chart of it, and what
changed since the list's previous cycle (`/v1/leaders/cycle-changes`'s read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from projections import queries, ranking_pages, records_as_of
from projections.category_queries import category
from projections.cycle_changes import since_previous_cycle
from projections.notice_feed import Feed
from projections.scheme_timeline import scheme_timeline
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.pages import feed_links
from service.pages.filters import PAGE_SIZE, BadFilter
from service.pages.respond import html
from service.pages.scheme_chart import indicator_chart, score_chart
from service.pages.scheme_view import SchemeQuery, rows

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/schemes/{scheme_id}")
async def scheme_page(
    request: Request,
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    section: Text = None,
    page: Text = None,
    entry: Text = None,
    as_of: Text = None,
) -> Response:
    """The scheme (now, or at the end of the `as_of` day) and a page of one ranking section."""
    now = registry.now()
    asked = SchemeQuery.parse(section, page, entry, as_of)
    moment = asked.moment(now)
    if moment is None:
        record = await queries.scheme(conn, scheme_id)
    else:
        record = await records_as_of.scheme(conn, scheme_id, moment)
    ranking, _ = await ranking_pages.ranking_page(
        conn,
        scheme_id,
        now=now,
        as_of=moment,
        section="ranked" if asked.section == "ranked" else "not_ranked",
        limit=PAGE_SIZE + 1,  # one more: does the last entry share its rank with the next?
        offset=asked.offset,
    )
    if record is None or ranking is None:
        raise HTTPException(404)
    entries = rows(ranking["items"], asked.offset, ranking["counts"]["qualified"])
    qualified = ranking["counts"]["qualified"]
    cut_above = bool(entries) and qualified > 0 and entries[0]["place"] == qualified + 1
    chosen = next((e for e in entries if e["candidacy_id"] == asked.entry), None)
    if asked.entry is not None and (chosen is None or asked.section != "ranked"):
        raise BadFilter("entry")  # only an entry ranked on this page has indicator values
    chosen = chosen or (entries[0] if entries and asked.section == "ranked" else None)
    body = await queries.body(conn, record["body_id"])
    named = await category(conn, record["category"], now=now)
    # The page reads "open until" or "closed" about the publicity window, and an entry's
    # status turns "expired" at its validity's end: it holds until the first of them.
    fresh_until = None
    if moment is None:
        fresh_until = cache.earliest_after(
            now, [record["publicity_ends_at"], record["valid_until"]]
        )
    pages = max(1, -(-ranking["total"] // PAGE_SIZE))
    ends = [record["publicity_ends_at"]]
    publicity_open = cache.earliest_after(moment or now, ends) is not None
    return html(
        request,
        "scheme.html",
        fresh_until=fresh_until,
        scheme=record,
        feeds=feed_links.links(Feed("scheme", record["id"])),
        body=body,
        category=named[0] if named else None,
        timeline=await scheme_timeline(
            conn,
            scheme_id,
            now=now,
            publicity_ends_at=record["publicity_ends_at"],
            as_of=moment,
        ),
        ranking=ranking,
        entries=entries,
        cut_above=cut_above,
        scores=score_chart(entries, cut_above) if asked.section == "ranked" else None,
        indicator_names={i["code"]: i["name"] for i in record["indicators"]},
        indicators=indicator_chart(chosen, record["indicators"]) if chosen else None,
        asked=asked,
        pages=pages,
        then=moment,
        publicity_open=publicity_open,
        changes=await since_previous_cycle(conn, record, now=now) if moment is None else None,
        api_query=asked.api_query(moment, limit=PAGE_SIZE, offset=asked.offset),
        download_query=asked.api_query(moment, format="csv"),
    )

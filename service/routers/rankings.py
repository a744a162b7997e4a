"""A scheme's ranking, in pages: the summary and counts on every page, one section's page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from projections import ranking_pages
from service import columns, downloads
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.reads import answer, found
from service.routers.times import AsOf
from service.schemas.pages import PageLimit, PageOffset
from service.schemas.rankings import RankingPage

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)
BREAKDOWN = frozenset({"breakdown"})  # per indicator: one CSV cell of JSON text

SectionParam = Annotated[
    Literal["ranked", "not_ranked"],
    Query(
        description="`ranked`: the ranked entries in rank order (equal scores share a rank; "
        "ties by credit code, then candidacy id); `not_ranked`: the entries excluded or not "
        "ranked, with their reasons, by credit code then candidacy id."
    ),
]


@router.get(
    "/schemes/{scheme_id}/ranking",
    response_model=RankingPage,
    operation_id="get_ranking",
    responses=NOT_FOUND | downloads.RESPONSES,
)
async def get_ranking(
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    section: SectionParam = "ranked",
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    fmt: downloads.FormatParam = None,
    *,
    request: Request,
    response: Response,
) -> Response:
    """A scheme's ranking, a page at a time: the scheme, its counts and cut-off on every
    page, and one page of the section asked for; `as_of`: as it stood then. As CSV or JSON
    Lines (`format`, or `Accept`): the whole section."""
    now = registry.now()
    if download := downloads.requested(request, response, fmt):
        # The whole section; an unknown scheme (or one not yet drafted then) is a 404.
        found(
            (await ranking_pages.ranking_page(conn, scheme_id, now=now, as_of=as_of, limit=1))[0],
            "scheme",
            scheme_id,
        )
        query, item = ranking_pages.section_listing(scheme_id, section, now=now, as_of=as_of)
        name = f"ranking-{scheme_id}-{section}"  # an existing scheme's id: safe in a header
        listing = downloads.Listing(name, query, item, columns.RANKING_ENTRY, BREAKDOWN)
        return await downloads.stream(request, response, listing, download, release=conn)
    page, fresh_until = await ranking_pages.ranking_page(
        conn, scheme_id, now=now, as_of=as_of, section=section, limit=limit, offset=offset
    )
    record = found(page, "scheme", scheme_id)
    return answer(request, response, record, fresh_until=fresh_until)

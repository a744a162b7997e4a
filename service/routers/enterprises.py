"""Public reads of enterprises: the list and one enterprise (names, declarations, titles)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from projections import enterprise_queries, queries
from service import cache, columns, downloads
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.reads import answer, found
from service.routers.times import AsOf
from service.schemas.common import CreditCode, Region
from service.schemas.enterprises import EnterpriseItem, EnterpriseRecord
from service.schemas.pages import Page, PageLimit, PageOffset

router = APIRouter(prefix="/v1", tags=["enterprises"], responses=READ_ERRORS)


@router.get(
    "/enterprises",
    response_model=Page[EnterpriseItem],
    operation_id="list_enterprises",
    responses=downloads.RESPONSES,
)
async def list_enterprises(
    conn: ReadConn,
    registry: RegistryDep,
    region: Region | None = None,
    has_title_in_force: Annotated[
        bool | None, Query(description="Only those holding (true) or not holding (false) a title.")
    ] = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    fmt: downloads.FormatParam = None,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Every enterprise that has declared, in credit-code order, with its current name; as
    CSV or JSON Lines (`format`, or `Accept`), all of them."""
    if download := downloads.requested(request, response, fmt):
        query = enterprise_queries.enterprise_select(
            now=registry.now(), region=region, has_title_in_force=has_title_in_force
        )
        listing = downloads.Listing(
            "enterprises", query, enterprise_queries.enterprise_item, columns.ENTERPRISE
        )
        return await downloads.stream(request, response, listing, download, release=conn)
    now = registry.now()
    page = await enterprise_queries.enterprises_page(
        conn,
        now=now,
        region=region,
        has_title_in_force=has_title_in_force,
        limit=limit,
        offset=offset,
    )
    # Who holds a title changes with the clock too: such a page holds until a title ends.
    fresh_until = None
    if has_title_in_force is not None:
        fresh_until = await queries.first_title_end(conn, now)
    return answer(request, response, page, fresh_until=fresh_until)


@router.get(
    "/enterprises/{credit_code}",
    response_model=EnterpriseRecord,
    operation_id="get_enterprise",
    responses=NOT_FOUND,
)
async def get_enterprise(
    credit_code: Annotated[CreditCode, Path()],
    conn: ReadConn,
    registry: RegistryDep,
    as_of: AsOf = None,
    *,
    request: Request,
    response: Response,
) -> Response:
    """One enterprise: its names over time, declarations and titles in force (or `as_of`)."""
    now = registry.now()
    record = await enterprise_queries.enterprise(conn, credit_code, now=now, as_of=as_of)
    record = found(record, "enterprise", credit_code)
    if as_of is not None:  # as it stood then: only new events change it
        return answer(request, response, record)
    until = cache.earliest_after(now, (t["valid_until"] for t in record["titles_in_force"]))
    return answer(request, response, record, fresh_until=until, stamped=True)

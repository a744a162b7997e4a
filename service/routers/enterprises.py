"""Public reads of enterprises: the list and one enterprise (names, declarations, titles)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from projections import enterprise_queries
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.reads import answer, found
from service.routers.times import AsOf
from service.schemas.common import CreditCode, Region
from service.schemas.enterprises import EnterpriseItem, EnterpriseRecord
from service.schemas.pages import Page, PageLimit, PageOffset

router = APIRouter(prefix="/v1", tags=["enterprises"], responses=READ_ERRORS)


@router.get("/enterprises", response_model=Page[EnterpriseItem], operation_id="list_enterprises")
async def list_enterprises(
    conn: ReadConn,
    registry: RegistryDep,
    region: Region | None = None,
    has_title_in_force: Annotated[
        bool | None, Query(description="Only those holding (true) or not holding (false) a title.")
    ] = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Every enterprise that has declared, in credit-code order, with its current name."""
    page = await enterprise_queries.enterprises_page(
        conn,
        now=registry.now(),
        region=region,
        has_title_in_force=has_title_in_force,
        limit=limit,
        offset=offset,
    )
    if has_title_in_force is None:
        return answer(request, response, page)
    # Who holds a title changes with the clock too (a title ends): not cached.
    result = cache.json_response(page)
    result.headers.update(response.headers)
    return result


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

"""Browsable lists of schemes, evaluation bodies, declarations, candidacies and complaints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import limits
from domain.complaint import ComplaintStatus, Grounds
from domain.evaluation_body import BodyKind
from domain.scheme import Level, SchemeStatus
from projections.lists.bodies import bodies_select, body_item
from projections.lists.candidacies import candidacies_select, candidacy_item, next_expiry
from projections.lists.complaints import complaint_item, complaints_select
from projections.lists.declarations import declaration_item, declarations_select
from projections.lists.paging import page
from projections.lists.schemes import scheme_item, schemes_select
from registry.inputs import Name
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import READ_ERRORS
from service.schemas.common import CategoryCode, CreditCode, Moment, Region
from service.schemas.lists import (
    BodyPage,
    BodyStatus,
    CandidacyPage,
    CandidacyStatus,
    ComplaintPage,
    DeclarationPage,
    DeclarationStatus,
    SchemePage,
)
from service.schemas.pages import PageLimit, PageOffset

router = APIRouter(prefix="/v1", tags=["lists"], responses=READ_ERRORS)

AsOf = Annotated[
    Moment | None,
    Query(
        description="The list as the registry stood at this moment: only the records that "
        "existed then, with (and filtered by) their status then. An RFC 3339 date-time with "
        f"its offset, between {limits.EARLIEST_MOMENT.date()} and "
        f"{limits.LATEST_MOMENT.date()} in UTC."
    ),
]
Cycle = Annotated[int | None, Query(ge=limits.MIN_CYCLE, le=limits.MAX_CYCLE)]


def _id(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


async def _page(
    request: Request,
    conn: AsyncConnection,
    query: Select[Any],
    item: Callable[[Row[Any], datetime | None], dict[str, Any]],
    *,
    now: datetime,
    as_of: datetime | None,
    limit: int,
    offset: int,
    fresh_until: datetime | None = None,
) -> Response:
    """The page, cacheable until the log moves (or `fresh_until`, when the clock alone
    changes it); without `as_of` it says "as of" now, stamped afresh on every answer."""
    items, total = await page(conn, query, lambda row: item(row, as_of), limit=limit, offset=offset)
    content = {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "as_of": (as_of or now).isoformat(),  # last: the cache stamps it (service/cache.py)
    }
    cache.cacheable(request, fresh_until, stamped=as_of is None)
    return cache.json_response(content)


@router.get("/schemes", response_model=SchemePage, operation_id="list_schemes")
async def list_schemes(
    conn: ReadConn,
    registry: RegistryDep,
    body_id: UUID | None = None,
    category: CategoryCode | None = None,
    cycle: Cycle = None,
    level: Level | None = None,
    region: Region | None = None,
    status: SchemeStatus | None = None,
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
) -> Response:
    """Evaluation schemes, newest drafted first (ties by id)."""
    now = registry.now()
    query = schemes_select(
        now=now,
        as_of=as_of,
        body_id=_id(body_id),
        category=category,
        cycle=cycle,
        level=level.value if level else None,
        region=region,
        status=status.value if status else None,
    )
    return await _page(
        request, conn, query, scheme_item, now=now, as_of=as_of, limit=limit, offset=offset
    )


@router.get("/evaluation-bodies", response_model=BodyPage, operation_id="list_evaluation_bodies")
async def list_evaluation_bodies(
    conn: ReadConn,
    registry: RegistryDep,
    kind: BodyKind | None = None,
    category: Annotated[
        CategoryCode | None, Query(description="Only bodies accredited for this category.")
    ] = None,
    status: BodyStatus | None = None,
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
) -> Response:
    """Evaluation bodies, by name (ties by id)."""
    now = registry.now()
    query = bodies_select(
        now=now, as_of=as_of, kind=kind.value if kind else None, category=category, status=status
    )
    return await _page(
        request, conn, query, body_item, now=now, as_of=as_of, limit=limit, offset=offset
    )


@router.get("/declarations", response_model=DeclarationPage, operation_id="list_declarations")
async def list_declarations(
    conn: ReadConn,
    registry: RegistryDep,
    credit_code: CreditCode | None = None,
    standard_number: Annotated[
        Name | None, Query(description="Exactly this standard number.")
    ] = None,
    product_model: Annotated[Name | None, Query(description="Exactly this model.")] = None,
    category: CategoryCode | None = None,
    status: DeclarationStatus | None = None,
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
) -> Response:
    """Declared standards as last revised, newest declared first (ties by id)."""
    now = registry.now()
    query = declarations_select(
        now=now,
        as_of=as_of,
        credit_code=credit_code,
        standard_number=standard_number,
        product_model=product_model,
        category=category,
        status=status,
    )
    return await _page(
        request, conn, query, declaration_item, now=now, as_of=as_of, limit=limit, offset=offset
    )


@router.get("/candidacies", response_model=CandidacyPage, operation_id="list_candidacies")
async def list_candidacies(
    conn: ReadConn,
    registry: RegistryDep,
    credit_code: Annotated[
        CreditCode | None, Query(description="The enterprise's credit code.")
    ] = None,
    scheme_id: UUID | None = None,
    status: Annotated[
        CandidacyStatus | None,
        Query(description="The status as a reader saw it (now, or at `as_of`)."),
    ] = None,
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
) -> Response:
    """Candidacies, newest entered first (ties by id)."""
    now = registry.now()
    # Without `as_of` a status changes by the clock alone when a title's validity ends.
    fresh_until = await next_expiry(conn, now) if as_of is None else None
    query = candidacies_select(
        now=now, as_of=as_of, credit_code=credit_code, scheme_id=_id(scheme_id), status=status
    )
    return await _page(
        request,
        conn,
        query,
        candidacy_item,
        now=now,
        as_of=as_of,
        limit=limit,
        offset=offset,
        fresh_until=fresh_until,
    )


@router.get("/complaints", response_model=ComplaintPage, operation_id="list_complaints")
async def list_complaints(
    conn: ReadConn,
    registry: RegistryDep,
    status: ComplaintStatus | None = None,
    grounds: Grounds | None = None,
    credit_code: Annotated[
        CreditCode | None, Query(description="The complained candidacy's enterprise.")
    ] = None,
    candidacy_id: UUID | None = None,
    as_of: AsOf = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
) -> Response:
    """Complaints, public fields only (not the filer, description or evidence), newest
    filed first (ties by id)."""
    now = registry.now()
    query = complaints_select(
        now=now,
        as_of=as_of,
        status=status.value if status else None,
        grounds=grounds.value if grounds else None,
        credit_code=credit_code,
        candidacy_id=_id(candidacy_id),
    )
    return await _page(
        request, conn, query, complaint_item, now=now, as_of=as_of, limit=limit, offset=offset
    )

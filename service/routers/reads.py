"""Public reads: current leaders, records, rankings and histories (no token needed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime

from domain.errors import NotFound
from domain.scheme import Level
from projections import queries
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.preconditions import tag_response
from service.problems import NOT_FOUND, READ_ERRORS
from service.schemas.common import CategoryCode, CreditCode, Region
from service.schemas.reads import LeaderPage, Record

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)

After = Annotated[int, Query(ge=0, description="Only events after this position.")]
Limit = Annotated[int, Query(ge=1, le=1000)]


def found(record: Record | None, what: str, key: str) -> Record:
    if record is None:
        raise NotFound(f"no {what} {key}")
    return record


@router.get("/leaders", response_model=LeaderPage, operation_id="list_leaders")
async def list_leaders(
    conn: ReadConn,
    registry: RegistryDep,
    category: CategoryCode | None = None,
    cycle: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    level: Level | None = None,
    region: Region | None = None,
    credit_code: CreditCode | None = None,
    as_of: Annotated[
        AwareDatetime | None, Query(description="The list as it stood at this moment.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Record:
    """The titles in force now (or at `as_of`), filtered by list and enterprise."""
    return await queries.leaders(
        conn,
        now=registry.now(),
        as_of=as_of,
        category=category,
        cycle=cycle,
        level=level.value if level else None,
        region=region,
        credit_code=credit_code,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/candidacies/{candidacy_id}",
    response_model=Record,
    operation_id="get_candidacy",
    responses=NOT_FOUND,
)
async def get_candidacy(
    candidacy_id: str, conn: ReadConn, registry: RegistryDep, response: Response
) -> Record:
    """One candidacy: its status as a reader should see it now, scores and complaints."""
    record = await queries.candidacy(conn, candidacy_id, now=registry.now())
    return tag_response(response, found(record, "candidacy", candidacy_id))


@router.get(
    "/schemes/{scheme_id}", response_model=Record, operation_id="get_scheme", responses=NOT_FOUND
)
async def get_scheme(scheme_id: str, conn: ReadConn, response: Response) -> Record:
    """One evaluation scheme and its status."""
    record = found(await queries.scheme(conn, scheme_id), "scheme", scheme_id)
    return tag_response(response, record)


@router.get(
    "/schemes/{scheme_id}/ranking",
    response_model=Record,
    operation_id="get_ranking",
    responses=NOT_FOUND,
)
async def get_ranking(scheme_id: str, conn: ReadConn, registry: RegistryDep) -> Record:
    """A scheme's published ranking: ranked entries and those not ranked, with reasons."""
    record = await queries.ranking(conn, scheme_id, now=registry.now())
    return found(record, "scheme", scheme_id)


@router.get(
    "/complaints/{complaint_id}",
    response_model=Record,
    operation_id="get_complaint",
    responses=NOT_FOUND,
)
async def get_complaint(complaint_id: str, conn: ReadConn, response: Response) -> Record:
    """One complaint and its decision."""
    record = found(await queries.complaint(conn, complaint_id), "complaint", complaint_id)
    return tag_response(response, record)


@router.get(
    "/declarations/{declaration_id}",
    response_model=Record,
    operation_id="get_declaration",
    responses=NOT_FOUND,
)
async def get_declaration(declaration_id: str, conn: ReadConn, response: Response) -> Record:
    """One declared standard, as last revised."""
    record = await queries.declaration(conn, declaration_id)
    return tag_response(response, found(record, "declaration", declaration_id))


@router.get(
    "/evaluation-bodies/{body_id}",
    response_model=Record,
    operation_id="get_evaluation_body",
    responses=NOT_FOUND,
)
async def get_evaluation_body(body_id: str, conn: ReadConn, response: Response) -> Record:
    """One evaluation body, its accredited categories and status."""
    record = found(await queries.body(conn, body_id), "evaluation body", body_id)
    return tag_response(response, record)


@router.get(
    "/enterprises/{credit_code}/history",
    response_model=list[Record],
    operation_id="get_enterprise_history",
)
async def get_enterprise_history(
    credit_code: Annotated[CreditCode, Path()],
    conn: ReadConn,
    after: After = 0,
    limit: Limit = 100,
) -> list[Record]:
    """Every event about an enterprise's declarations and titles, in log order."""
    return await queries.enterprise_history(conn, credit_code, after=after, limit=limit)


@router.get(
    "/candidacies/{candidacy_id}/history",
    response_model=list[Record],
    operation_id="get_candidacy_history",
)
async def get_candidacy_history(
    candidacy_id: str, conn: ReadConn, after: After = 0, limit: Limit = 100
) -> list[Record]:
    """Every event of one candidacy (and its complaints), in log order."""
    return await queries.candidacy_history(conn, candidacy_id, after=after, limit=limit)


@router.get("/events", response_model=list[Record], operation_id="list_events")
async def list_events(conn: ReadConn, after: After = 0, limit: Limit = 100) -> list[Record]:
    """The public event feed, in log order; page with `after` = the last position seen."""
    return await queries.feed(conn, after=after, limit=limit)

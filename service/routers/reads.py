"""Public reads: current leaders, records, rankings and histories (no token needed)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from domain import limits
from domain.errors import NotFound
from domain.scheme import Level
from projections import queries, records_as_of
from service import cache, columns, downloads
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.preconditions import etag
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.times import AsOf
from service.schemas.common import MAX_POSITION, CategoryCode, CreditCode, Moment, Region
from service.schemas.events import Event
from service.schemas.leaders import CandidacyOut, LeaderPage
from service.schemas.records import ComplaintOut, DeclarationOut, EvaluationBodyOut, SchemeOut

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)

After = Annotated[int, Query(ge=0, le=MAX_POSITION, description="Only events after this position.")]
Limit = Annotated[int, Query(ge=1, le=1000)]


Record = dict[str, Any]  # a read model's answer, as `projections.queries` gives it


def found(record: Record | None, what: str, key: str) -> Record:
    if record is None:
        raise NotFound(f"no {what} {key}")
    return record


def answer(
    request: Request,
    response: Response,
    content: Any,
    *,
    fresh_until: datetime | None = None,
    tagged: bool = False,
    stamped: bool = False,
) -> Response:
    """The read's answer, encoded once (the routes' `response_model`s document it), with
    the headers set on `response` (`Registry-Consistency`), its ETag if `tagged` (a single
    record's version), and cacheable until `fresh_until` (see `service.cache`)."""
    result = cache.json_response(content)
    result.headers.update(response.headers)
    if tagged:
        result.headers["ETag"] = etag(int(content["version"]))
    cache.cacheable(request, fresh_until, stamped=stamped)
    return result


@router.get(
    "/leaders",
    response_model=LeaderPage,
    operation_id="list_leaders",
    responses=downloads.RESPONSES,
)
async def list_leaders(
    conn: ReadConn,
    registry: RegistryDep,
    category: CategoryCode | None = None,
    cycle: Annotated[int | None, Query(ge=limits.MIN_CYCLE, le=limits.MAX_CYCLE)] = None,
    level: Level | None = None,
    region: Region | None = None,
    credit_code: CreditCode | None = None,
    as_of: Annotated[
        Moment | None,
        Query(
            description="The list as it stood at this moment: an RFC 3339 date-time with its "
            f"offset (e.g. 2026-01-01T08:00:00+08:00), between {limits.EARLIEST_MOMENT.date()} "
            f"and {limits.LATEST_MOMENT.date()} in UTC."
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    fmt: downloads.FormatParam = None,
    *,
    request: Request,
    response: Response,
) -> Response:
    """The titles in force now (or at `as_of`), filtered by list and enterprise; as CSV or
    JSON Lines, all of them (`format`, or `Accept`)."""
    if download := downloads.requested(request, response, fmt):
        now = registry.now()
        query = queries.leaders_select(
            now=now,
            as_of=as_of,
            category=category,
            cycle=cycle,
            level=level.value if level else None,
            region=region,
            credit_code=credit_code,
        )
        item = functools.partial(queries.leaders_item, now=now, as_of=as_of)
        listing = downloads.Listing("leaders", query, item, columns.TITLE)
        return await downloads.stream(request, response, listing, download, release=conn)
    page, fresh_until = await queries.leaders_page(
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
    # Without `as_of` the page changes when its first title ends; it says "as of" now.
    return answer(request, response, page, fresh_until=fresh_until, stamped=as_of is None)


@router.get(
    "/candidacies/{candidacy_id}",
    response_model=CandidacyOut,
    operation_id="get_candidacy",
    responses=NOT_FOUND,
)
async def get_candidacy(
    candidacy_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    request: Request,
    response: Response,
    as_of: AsOf = None,
) -> Response:
    """One candidacy: its status as a reader should see it now (or `as_of`), scores and
    complaints."""
    now = registry.now()
    if as_of is not None:
        then = await records_as_of.candidacy(conn, candidacy_id, now=now, moment=as_of)
        return answer(request, response, found(then, "candidacy", candidacy_id))
    record = found(await queries.candidacy(conn, candidacy_id, now=now), "candidacy", candidacy_id)
    until = cache.earliest_after(now, [record["valid_until"]])  # its status changes then
    return answer(request, response, record, fresh_until=until, tagged=True)


@router.get(
    "/schemes/{scheme_id}", response_model=SchemeOut, operation_id="get_scheme", responses=NOT_FOUND
)
async def get_scheme(
    scheme_id: str, conn: ReadConn, request: Request, response: Response, as_of: AsOf = None
) -> Response:
    """One evaluation scheme and its status (now, or `as_of`)."""
    if as_of is not None:
        then = await records_as_of.scheme(conn, scheme_id, as_of)
        return answer(request, response, found(then, "scheme", scheme_id))
    record = found(await queries.scheme(conn, scheme_id), "scheme", scheme_id)
    return answer(request, response, record, tagged=True)


@router.get(
    "/complaints/{complaint_id}",
    response_model=ComplaintOut,
    operation_id="get_complaint",
    responses=NOT_FOUND,
)
async def get_complaint(
    complaint_id: str, conn: ReadConn, request: Request, response: Response
) -> Response:
    """One complaint and its decision."""
    record = found(await queries.complaint(conn, complaint_id), "complaint", complaint_id)
    return answer(request, response, record, tagged=True)


@router.get(
    "/declarations/{declaration_id}",
    response_model=DeclarationOut,
    operation_id="get_declaration",
    responses=NOT_FOUND,
)
async def get_declaration(
    declaration_id: str, conn: ReadConn, request: Request, response: Response
) -> Response:
    """One declared standard, as last revised."""
    record = await queries.declaration(conn, declaration_id)
    return answer(request, response, found(record, "declaration", declaration_id), tagged=True)


@router.get(
    "/evaluation-bodies/{body_id}",
    response_model=EvaluationBodyOut,
    operation_id="get_evaluation_body",
    responses=NOT_FOUND,
)
async def get_evaluation_body(
    body_id: str, conn: ReadConn, request: Request, response: Response
) -> Response:
    """One evaluation body, its accredited categories and status."""
    record = found(await queries.body(conn, body_id), "evaluation body", body_id)
    return answer(request, response, record, tagged=True)


@router.get(
    "/enterprises/{credit_code}/history",
    response_model=list[Event],
    operation_id="get_enterprise_history",
)
async def get_enterprise_history(
    credit_code: Annotated[CreditCode, Path()],
    conn: ReadConn,
    after: After = 0,
    limit: Limit = 100,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Every event about an enterprise's declarations and titles, in log order."""
    events = await queries.enterprise_history(conn, credit_code, after=after, limit=limit)
    return answer(request, response, events)


@router.get(
    "/candidacies/{candidacy_id}/history",
    response_model=list[Event],
    operation_id="get_candidacy_history",
)
async def get_candidacy_history(
    candidacy_id: str,
    conn: ReadConn,
    after: After = 0,
    limit: Limit = 100,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Every event of one candidacy (and its complaints), in log order."""
    events = await queries.candidacy_history(conn, candidacy_id, after=after, limit=limit)
    return answer(request, response, events)

"""A scheme's timeline: its steps with their times and actors (now, or as of a moment)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from projections import queries, records_as_of
from projections.scheme_timeline import scheme_timeline
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.reads import answer, found
from service.routers.times import AsOf
from service.schemas.timelines import SchemeStep

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)


@router.get(
    "/schemes/{scheme_id}/timeline",
    response_model=list[SchemeStep],
    operation_id="get_scheme_timeline",
    responses=NOT_FOUND,
)
async def get_scheme_timeline(
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    request: Request,
    response: Response,
    as_of: AsOf = None,
) -> Response:
    """The steps a scheme went through, oldest first, each with its time and actor; the
    end of its publicity window once ranked; when a later list superseded its titles."""
    now = registry.now()
    if as_of is None:
        record = await queries.scheme(conn, scheme_id)
    else:
        record = await records_as_of.scheme(conn, scheme_id, as_of)
    scheme = found(record, "scheme", scheme_id)
    steps = await scheme_timeline(
        conn, scheme_id, now=now, publicity_ends_at=scheme["publicity_ends_at"], as_of=as_of
    )
    return answer(request, response, steps)

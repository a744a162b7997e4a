"""The leaders lists' changes: between two cycles of a list, and since a log position."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from domain import limits
from domain.errors import InvalidInput
from domain.regions import NATIONAL_REGION
from domain.scheme import Level
from projections.cycle_changes import cycle_changes
from projections.leader_changes import leader_changes
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import NOT_FOUND, READ_ERRORS
from service.routers.reads import answer
from service.schemas.changes import CycleChanges, LeaderChanges
from service.schemas.common import MAX_POSITION, CategoryCode, CreditCode, Region
from service.schemas.pages import PageLimit

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)

Body = Annotated[UUID | None, Query(description="The evaluation body that keeps the list.")]


def _titles(content: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """Every title an answer shows (their statuses change when their validity ends)."""
    for item in content.get("items", []):
        yield item["title"]
    yield from content.get("entered", [])
    for pair in content.get("stayed", []):
        yield from (pair["before"], pair["after"])
    for gone in content.get("left", []):
        yield from filter(None, (gone["title"], gone["superseded_by"]))


def _answer(request: Request, response: Response, content: dict[str, Any], now: Any) -> Response:
    until = cache.earliest_after(now, (title["valid_until"] for title in _titles(content)))
    return answer(request, response, content, fresh_until=until)


@router.get(
    "/leaders/changes",
    response_model=LeaderChanges,
    operation_id="list_leader_changes",
)
async def list_leader_changes(
    conn: ReadConn,
    registry: RegistryDep,
    since: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_POSITION,
            description="A log position (0: from the start; then the last answer's `up_to`).",
        ),
    ],
    category: CategoryCode | None = None,
    cycle: Annotated[int | None, Query(ge=limits.MIN_CYCLE, le=limits.MAX_CYCLE)] = None,
    level: Level | None = None,
    region: Region | None = None,
    credit_code: CreditCode | None = None,
    body: Body = None,
    limit: PageLimit = 100,
    *,
    request: Request,
    response: Response,
) -> Response:
    """The titles that joined the leaders list (as filtered: the filters of `GET /v1/leaders`
    and the body) or left it after log position `since`, oldest first: each with the position
    and moment of its change and why; and the position the answer covers (`up_to`)."""
    head: int | None = await run_in_threadpool(registry.recorder.max_notification_id)
    if since > (head or 0):
        raise InvalidInput(f"the log ends at position {head or 0}", field="since")
    now = registry.now()
    content = await leader_changes(
        conn,
        now=now,
        since=since,
        limit=limit,
        category=category,
        cycle=cycle,
        level=level.value if level else None,
        region=region,
        credit_code=credit_code,
        body_id=str(body) if body else None,
    )
    return _answer(request, response, content, now)


@router.get(
    "/leaders/cycle-changes",
    response_model=CycleChanges,
    operation_id="get_cycle_changes",
    responses=NOT_FOUND,
)
async def get_cycle_changes(
    conn: ReadConn,
    registry: RegistryDep,
    category: CategoryCode,
    level: Level,
    cycle: Annotated[
        int, Query(ge=limits.MIN_CYCLE, le=limits.MAX_CYCLE, description="The earlier cycle.")
    ],
    to_cycle: Annotated[
        int | None,
        Query(
            ge=limits.MIN_CYCLE,
            le=limits.MAX_CYCLE,
            description="The later cycle (by default the one after `cycle`).",
        ),
    ] = None,
    region: Annotated[
        Region | None, Query(description="The list's division (a national list: none).")
    ] = None,
    body: Body = None,
    *,
    request: Request,
    response: Response,
) -> Response:
    """What changed between the list of `cycle` and that of the next (or `to_cycle`): the
    titles that entered, stayed and left (and why). A list is a body's, for a category, level
    and region; without `body`, the one body that keeps such a list in those cycles."""
    later = cycle + 1 if to_cycle is None else to_cycle
    if later > limits.MAX_CYCLE:
        raise InvalidInput(f"there is no cycle after {cycle}", field="cycle")
    if later <= cycle:
        raise InvalidInput("the later cycle must come after `cycle`", field="to_cycle")
    if region is None and level != Level.NATIONAL:
        raise InvalidInput(f"a {level.value} list needs its region", field="region")
    now = registry.now()
    content = await cycle_changes(
        conn,
        now=now,
        category=category,
        level=level.value,
        region=region or NATIONAL_REGION,
        body_id=str(body) if body else None,
        cycle=cycle,
        to_cycle=later,
    )
    return _answer(request, response, content, now)

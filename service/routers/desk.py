"""The regulator's desk: its queue of complaints and reports, within its jurisdiction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from domain.complaint import Grounds
from domain.limits import MAX_DESK_DAYS
from domain.values import Actor
from projections.desk import desk_page
from registry.permissions import check_role
from service.consistency import ReadConn
from service.deps import ActorDep, RegistryDep, SettingsDep, in_thread
from service.problems import READ_ERRORS, WRITE_ERRORS
from service.schemas.common import Region
from service.schemas.desk import DeskKind, DeskPage, DeskStatus
from service.schemas.pages import PageLimit, PageOffset

# A private read: the token's errors too.
DESK_ERRORS = {**READ_ERRORS, 401: WRITE_ERRORS[401], 403: WRITE_ERRORS[403]}
router = APIRouter(prefix="/v1", tags=["complaints"], responses=DESK_ERRORS)
NO_STORE = "no-store"


async def desk_reader(actor: ActorDep) -> Actor:
    """The actor, if it may read the desk (checked before any read-model work)."""
    check_role(actor, "read_desk")
    return actor


@router.get("/desk", response_model=DeskPage, operation_id="read_desk")
async def read_desk(
    actor: Annotated[Actor, Depends(desk_reader)],
    request: Request,
    response: Response,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
    kind: DeskKind | None = None,
    status: DeskStatus | None = None,
    grounds: Grounds | None = None,
    region: Annotated[
        Region | None, Query(description="Only lists of this region or below.")
    ] = None,
    older_than_days: Annotated[
        int | None, Query(ge=0, le=MAX_DESK_DAYS, description="Filed at least this long ago.")
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="Only overdue complaints (true) or only the others.")
    ] = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    """The complaints and public reports within the regulator's jurisdiction (regulators
    only), oldest first, with their age; open ones older than the desk's overdue days
    (`REGISTRY_DESK_OVERDUE_DAYS`) are flagged `overdue`."""
    response.headers["Cache-Control"] = NO_STORE
    jurisdiction = await in_thread(request.app.state.threads, registry.jurisdiction, actor)
    return await desk_page(
        conn,
        jurisdiction=jurisdiction,
        now=registry.now(),
        overdue_days=settings.desk_overdue_days,
        limit=limit,
        offset=offset,
        kind=kind,
        status=status,
        grounds=grounds.value if grounds is not None else None,
        region=region,
        older_than_days=older_than_days,
        overdue=overdue,
    )

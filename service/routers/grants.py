"""Public read of the access grants: who may act as an evaluation body, a regulator, etc."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from projections import grant_queries
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import READ_ERRORS
from service.routers.reads import answer
from service.schemas.access import IssuableRole
from service.schemas.common import MAX_POSITION, Name
from service.schemas.grants import GrantOut
from service.schemas.pages import Page

router = APIRouter(prefix="/v1", tags=["reads"], responses=READ_ERRORS)


@router.get("/access-grants", response_model=Page[GrantOut], operation_id="list_access_grants")
async def list_access_grants(
    conn: ReadConn,
    registry: RegistryDep,
    role: IssuableRole | None = None,
    subject: Annotated[Name | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Every credential as a public grant: its id, role and subject (e.g. an evaluation
    body's id), who issued it and when, its expiry, and who revoked it and when; never its
    token or the token's hash. `status` is `active`, `expired` or `revoked`. (Credentials
    issued before grants were recorded appear once `credentials publish-grants` has run.)"""
    now = registry.now()
    page = await grant_queries.list_grants(
        conn, now=now, role=role, subject=subject, limit=limit, offset=offset
    )
    until = cache.earliest_after(now, (g["expires_at"] for g in page["items"]))
    return answer(request, response, page, fresh_until=until)

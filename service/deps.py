"""Dependencies: the application, the read side, the settings and the authenticated actor."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.values import Actor
from projections.runtime import ReadSide
from registry.application import LeaderRegistry
from registry.cases.access import Unauthenticated
from registry.settings import Settings

bearer = HTTPBearer(auto_error=False, description="A token issued by POST /v1/credentials.")

# Dependencies that only read `app.state` are coroutines: FastAPI runs a plain `def`
# dependency in a worker thread, a hop that costs more than the work under load.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_registry(request: Request) -> LeaderRegistry:
    registry: LeaderRegistry = request.app.state.registry
    return registry


async def get_read_side(request: Request) -> ReadSide:
    read_side: ReadSide = request.app.state.read_side
    return read_side


RegistryDep = Annotated[LeaderRegistry, Depends(get_registry)]
ReadSideDep = Annotated[ReadSide, Depends(get_read_side)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_actor(
    request: Request,
    registry: RegistryDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The actor the bearer token speaks for, tagged with the request id (see
    `service.middleware`); a plain `def`: FastAPI runs it in a thread."""
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required")
    actor = registry.authenticate(credentials.credentials)
    return replace(actor, request_id=getattr(request.state, "request_id", ""))


ActorDep = Annotated[Actor, Depends(current_actor)]

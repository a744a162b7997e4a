"""Dependencies: the application, the read side, the settings and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.values import Actor
from projections.runtime import ReadSide
from registry.application import LeaderRegistry
from registry.cases.access import Unauthenticated
from registry.settings import Settings

bearer = HTTPBearer(auto_error=False, description="A token issued by POST /v1/credentials.")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_registry(request: Request) -> LeaderRegistry:
    registry: LeaderRegistry = request.app.state.registry
    return registry


def get_read_side(request: Request) -> ReadSide:
    read_side: ReadSide = request.app.state.read_side
    return read_side


RegistryDep = Annotated[LeaderRegistry, Depends(get_registry)]
ReadSideDep = Annotated[ReadSide, Depends(get_read_side)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_actor(
    registry: RegistryDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The actor the bearer token speaks for (a plain `def`: FastAPI runs it in a thread)."""
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required")
    return registry.authenticate(credentials.credentials)


ActorDep = Annotated[Actor, Depends(current_actor)]

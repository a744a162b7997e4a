"""Dependencies: the application, the read side, the settings and the authenticated actor."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain import ids
from domain.credential import hash_token
from domain.values import Actor
from projections.running.read_side import ReadSide
from registry.application import LeaderRegistry
from registry.cases.access import Unauthenticated
from registry.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")

# Threads that run the synchronous application for the event loop (as many as Starlette's).
THREADS = 40

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


def worker_threads() -> ThreadPoolExecutor:
    """The pool `in_thread` runs on; made by the lifespan, shut down after the last request."""
    return ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="registry")


async def in_thread(
    threads: ThreadPoolExecutor, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run blocking `func` in a worker thread, with this task's context variables.

    The same hop as Starlette's `run_in_threadpool` with less bookkeeping per call: each
    write makes two, and under load the hop cost more than most of the command."""
    call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(threads, call)


RegistryDep = Annotated[LeaderRegistry, Depends(get_registry)]
ReadSideDep = Annotated[ReadSide, Depends(get_read_side)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Caller:
    """The bearer token of a request and its request id, not yet checked."""

    token: str
    request_id: str

    @property
    def credential_id(self) -> str:
        """The id of the credential the token would be (it may not exist)."""
        return str(ids.credential_id(hash_token(self.token)))

    def authenticate(self, registry: LeaderRegistry) -> Actor:
        """The actor the token speaks for (blocking: it reads the store)."""
        actor = registry.authenticate(self.token)
        return replace(actor, request_id=self.request_id)


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The request's bearer token (401 if there is none), checked later: commands check it
    in the worker thread that runs them, saving a thread hop per write."""
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer token is required")
    return Caller(credentials.credentials, getattr(request.state, "request_id", ""))


CallerDep = Annotated[Caller, Depends(current_caller)]


async def current_actor(request: Request, registry: RegistryDep, caller: CallerDep) -> Actor:
    """The actor the bearer token speaks for, tagged with the request id (see
    `service.middleware`)."""
    return await in_thread(request.app.state.threads, caller.authenticate, registry)


ActorDep = Annotated[Actor, Depends(current_actor)]

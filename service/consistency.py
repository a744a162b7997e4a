"""Read-your-writes: writes answer once the read models include them; reads may wait too."""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Query, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.ext.asyncio import AsyncConnection

from registry.base import Receipt, WriteConflict
from service.deps import ReadSideDep, RegistryDep, SettingsDep

HEADER = "Registry-Consistency"
P = ParamSpec("P")
R = TypeVar("R", bound=Receipt)


ATTEMPTS = 10


def retrying(case: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a use case, again on a write conflict: each run reloads the current state
    and re-checks every rule, so a retry can never record a stale decision."""
    for attempt in range(ATTEMPTS - 1):
        try:
            return case(*args, **kwargs)
        except WriteConflict:
            # Jittered backoff, so that colliding writers do not collide again in step.
            time.sleep(random.uniform(0, 0.005 * 2**attempt))
    return case(*args, **kwargs)


class Commands:
    """Runs one use case in a worker thread, then waits for the read models to catch up."""

    def __init__(
        self,
        registry: RegistryDep,
        read_side: ReadSideDep,
        settings: SettingsDep,
        response: Response,
    ) -> None:
        self.registry = registry
        self.read_side = read_side
        self.timeout = settings.consistency_timeout
        self.response = response

    async def run(self, case: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        receipt = await run_in_threadpool(retrying, case, *args, **kwargs)
        if not await self.read_side.wait_for(receipt["position"], self.timeout):
            self.response.headers[HEADER] = "pending"
        return receipt


CommandsDep = Annotated[Commands, Depends()]


async def read_connection(
    read_side: ReadSideDep,
    settings: SettingsDep,
    response: Response,
    min_position: Annotated[
        int | None,
        Query(ge=0, description="Wait (bounded) until the read models include this position."),
    ] = None,
) -> AsyncIterator[AsyncConnection]:
    """A read-model connection, once the read side has reached `min_position` if given."""
    if min_position and not await read_side.wait_for(min_position, settings.consistency_timeout):
        response.headers[HEADER] = "pending"
    async with read_side.engine.connect() as conn:
        yield conn


ReadConn = Annotated[AsyncConnection, Depends(read_connection)]

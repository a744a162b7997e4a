"""Read-your-writes: writes answer once the read models include them; reads may wait too."""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import InvalidInput
from registry.base import Idempotency, Receipt, WriteConflict
from service import cache
from service.deps import ActorDep, ReadSideDep, RegistryDep, SettingsDep
from service.schemas.common import MAX_POSITION

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


_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


async def idempotency(
    request: Request,
    actor: ActorDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Send a retry with the same key and body: it answers as the first did.",
        ),
    ] = None,
) -> Idempotency | None:
    """The request's Idempotency-Key, scoped to the credential, with the request's fingerprint."""
    if key is None:
        return None
    if not _KEY.match(key):
        raise InvalidInput("1 to 255 visible ASCII characters", field="Idempotency-Key")
    body = await request.body()
    try:  # the same JSON, however it is spaced or ordered, is the same request
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + canonical)
    return Idempotency(scope=actor.credential_id, key=key, fingerprint=digest.hexdigest())


class Commands:
    """Runs one use case in a worker thread, then waits for the read models to catch up."""

    def __init__(
        self,
        registry: RegistryDep,
        read_side: ReadSideDep,
        settings: SettingsDep,
        response: Response,
        key: Annotated[Idempotency | None, Depends(idempotency)],
    ) -> None:
        self.registry = registry
        self.read_side = read_side
        self.timeout = settings.consistency_timeout
        self.response = response
        self.key = key

    async def run(self, case: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.key is None:
            receipt = await run_in_threadpool(retrying, case, *args, **kwargs)
        else:
            run = self.registry.run_idempotent
            receipt = await run_in_threadpool(retrying, run, self.key, case, *args, **kwargs)  # type: ignore[arg-type]
        if not await self.read_side.wait_for(receipt["position"], self.timeout):
            self.response.headers[HEADER] = "pending"
        return receipt


CommandsDep = Annotated[Commands, Depends()]


async def read_connection(
    request: Request,
    read_side: ReadSideDep,
    settings: SettingsDep,
    response: Response,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_POSITION,
            description="Wait (bounded) until the read models include this position.",
        ),
    ] = None,
) -> AsyncIterator[AsyncConnection]:
    """A read-model connection, once the read side has reached `min_position` if given."""
    if min_position and not await read_side.wait_for(min_position, settings.consistency_timeout):
        response.headers[HEADER] = "pending"
    cache.label(request)  # before reading: the answer holds at least this position
    async with read_side.engine.connect() as conn:
        yield conn


ReadConn = Annotated[AsyncConnection, Depends(read_connection)]

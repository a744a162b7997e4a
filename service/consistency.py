"""Read-your-writes: writes answer once the read models include them; reads may wait too."""

from __future__ import annotations

import decimal
import hashlib
import json
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar, cast

from fastapi import Depends, Header, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import InvalidInput
from domain.values import Actor
from projections.machinery.outages import Unreachable
from projections.running.read_side import ReadSide
from registry.application import LeaderRegistry
from registry.base import Idempotency, Receipt, WriteConflict
from registry.settings import Settings
from service import cache
from service.deps import Caller, CallerDep, ReadSideDep, RegistryDep, SettingsDep, in_thread
from service.schemas.common import MAX_POSITION

HEADER = "Registry-Consistency"
# Its values (absent when the answer includes everything up to the position asked for):
PENDING = "pending"  # the read models did not reach the position in time
HALTED = "halted"  # a projection the answer draws on is halted (see /readyz): it may be stale
# A read's answer holds every event up to this position (when this process knows it).
POSITION = "Registry-Position"
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


# Declared in the document and checked here, the same pattern: 1 to 255 visible ASCII characters.
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)


def _number(value: Decimal) -> str:
    """A JSON number exactly, one spelling per value: 50.5, 50.50 and 5.05e1 are all `50.5`,
    but 50.50000000000000000001 stays itself (a float would have made it 50.5)."""
    if not value.is_finite():
        return str(value)  # NaN and Infinity, which json.loads accepts
    if value.is_zero():
        return "0"  # 0, 0.00, -0 and 0e5 are one value
    # Precision for every digit and room for any exponent: normalising never rounds.
    exact = decimal.Context(
        prec=len(value.as_tuple().digits), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
    )
    return str(value.normalize(exact))


def _canonical(value: Any) -> str:
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{json.dumps(k)}:{_canonical(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return _number(value)
    return json.dumps(value)  # a string, true, false or null


def canonical_json(body: bytes) -> str:
    """The JSON document with keys sorted, no spacing and every number exact and normalised
    (ValueError if it is not JSON; decimal.InvalidOperation for an exponent out of range):
    one text per request, however the client spelled it."""
    document = json.loads(body, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal)
    return _canonical(document)


async def idempotency(
    request: Request,
    caller: CallerDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Send a retry with the same key and body: it answers as the first did.",
            json_schema_extra={"pattern": KEY_PATTERN, "minLength": 1, "maxLength": 255},
        ),
    ] = None,
) -> Idempotency | None:
    """The request's Idempotency-Key, scoped to the credential, with the request's fingerprint."""
    return await scoped_key(request, caller.credential_id, key)


async def scoped_key(request: Request, scope: str, key: str | None) -> Idempotency | None:
    """`key` (checked) in `scope` (a credential, or an anonymous client), with the request's
    fingerprint: its method, path and canonical body."""
    if key is None:
        return None
    if not _KEY.match(key):
        raise InvalidInput("1 to 255 visible ASCII characters", field="Idempotency-Key")
    body = await request.body()
    try:  # the same JSON, however it is spaced or ordered, is the same request
        canonical = canonical_json(body or b"null").encode()
    except (ValueError, ArithmeticError, RecursionError):  # not JSON, or beyond Decimal's range
        canonical = body
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + canonical)
    return Idempotency(scope=scope, key=key, fingerprint=digest.hexdigest())


class Commands:
    """Runs one use case as the caller, in a worker thread, then waits for the read models."""

    def __init__(
        self,
        registry: LeaderRegistry,
        read_side: ReadSide,
        settings: Settings,
        response: Response,
        key: Idempotency | None,
        threads: ThreadPoolExecutor,
        caller: Caller,
    ) -> None:
        self.registry = registry
        self.threads = threads
        self.read_side = read_side
        self.timeout = settings.consistency_timeout
        self.response = response
        self.key = key
        self.caller = caller

    async def run(
        self, case: Callable[Concatenate[Actor, P], R], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """`case(actor, *args, **kwargs)`, the actor being the caller's, authenticated first."""
        if self.read_side.unreachable:  # a 503 now, not after the event store's retries
            raise Unreachable("the database was found unreachable moments ago")
        receipt = await in_thread(self.threads, self._as_caller, case, *args, **kwargs)
        # The running projections are waited for; a halted one is not (it would only time
        # out), but the answer says that some reads will not show the write yet.
        if not await self.read_side.wait_for(receipt["position"], self.timeout):
            self.response.headers[HEADER] = PENDING
        elif self.read_side.halted:
            self.response.headers[HEADER] = HALTED
        return receipt

    def _as_caller(
        self, case: Callable[Concatenate[Actor, P], R], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        # One thread for both: authentication reads the store, as the command does.
        actor = self.caller.authenticate(self.registry)
        if self.key is None:
            return retrying(case, actor, *args, **kwargs)
        run = self.registry.run_idempotent
        # A retry answers with what the first run of the same case answered.
        return cast(R, retrying(run, self.key, case, actor, *args, **kwargs))


async def commands(
    request: Request,
    caller: CallerDep,
    registry: RegistryDep,
    read_side: ReadSideDep,
    settings: SettingsDep,
    response: Response,
    key: Annotated[Idempotency | None, Depends(idempotency)],
) -> Commands:
    """The request's `Commands` (a coroutine, so that FastAPI needs no thread to make it)."""
    threads = request.app.state.threads
    return Commands(registry, read_side, settings, response, key, threads, caller)


CommandsDep = Annotated[Commands, Depends(commands)]


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
        response.headers[HEADER] = PENDING
    elif read_side.halted and read_side.halted & sources(request):
        response.headers[HEADER] = HALTED
    cache.label(request)  # before reading: the answer holds at least this position
    found: cache.Label | None = getattr(request.state, "read_label", None)
    if found is not None:
        response.headers[POSITION] = str(found.position)
    async with read_side.engine.connect() as conn:
        yield conn


ReadConn = Annotated[AsyncConnection, Depends(read_connection)]

ALL = frozenset(
    {
        "records",
        "candidacies",
        "history",
        "credentials",
        "audit",
        "status_history",
        "enterprises",
        "search",
    }
)
RECORDS = frozenset({"records"})
TITLES = frozenset({"records", "candidacies"})
LISTS = frozenset(
    {
        "/v1/schemes",
        "/v1/evaluation-bodies",
        "/v1/declarations",
        "/v1/candidacies",
        "/v1/complaints",
    }
)


def sources(request: Request) -> frozenset[str]:
    """The projections a read draws on, by its route (all of them for a route not named)."""
    route = request.scope.get("route")
    path = str(getattr(route, "path", request.url.path))
    if path == "/v1/search":
        return TITLES | {"search"}
    if path.startswith("/v1/audit/"):
        return frozenset({"audit"})
    if path == "/v1/events" or path.endswith("/history"):
        return frozenset({"history"})
    if path == "/v1/credentials":
        return frozenset({"credentials"})
    if path.endswith("/signed-list"):
        return TITLES | {"audit"}
    if path in ("/v1/leaders", "/v1/categories"):  # categories: the catalogue, its counts
        return TITLES
    if path.startswith("/v1/leaders/"):  # the lists' changes: the titles' periods and events
        return TITLES | {"status_history", "history"}
    if path.startswith("/v1/candidacies/") or path.endswith("/ranking"):
        return TITLES | {"status_history"}  # `as_of`: each status then
    if path in LISTS:  # their records, and each one's status then for `as_of`
        return TITLES | {"status_history"}
    if path.startswith("/v1/enterprises"):
        return TITLES | {"enterprises"}
    if path.endswith("/timeline"):  # its periods, their events' actors, superseded titles
        return TITLES | {"status_history", "history"}
    if path.startswith("/v1/schemes/"):
        return RECORDS | {"status_history"}  # `as_of`: its status then
    if path.startswith(("/v1/complaints/", "/v1/declarations/")):
        return RECORDS
    if path.startswith("/v1/evaluation-bodies/"):
        return RECORDS
    return ALL

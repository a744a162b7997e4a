"""An unreachable database, whichever library says so, is a 503 with Retry-After, never a 500."""

from __future__ import annotations

from typing import Any

import asyncpg
import eventsourcing.persistence as es
import httpx
import psycopg
import pytest
import sqlalchemy.exc

from projections import queries
from registry.settings import Settings
from service.app import create_app
from tests.clock import Clock
from tests.e2e.api import assert_problem, serve

OUTAGES = [
    es.OperationalError("terminating connection due to administrator command"),
    es.InterfaceError("the connection is closed"),
    psycopg.OperationalError("server closed the connection unexpectedly"),
    sqlalchemy.exc.OperationalError("SELECT 1", None, Exception("connection refused")),
    sqlalchemy.exc.InterfaceError("SELECT 1", None, Exception("connection is closed")),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    ConnectionRefusedError(111, "Connection refused"),
    # asyncpg's state after the server dropped a connection mid-operation
    sqlalchemy.exc.InternalError(
        "SELECT 1", None, Exception("cannot switch to state 15"), connection_invalidated=True
    ),
]


def unavailable(response: httpx.Response) -> None:
    problem = assert_problem(response, 503)
    assert problem["type"].endswith(":unavailable")
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "error", OUTAGES, ids=lambda e: type(e).__module__ + "." + type(e).__name__
)
async def test_writes_reads_and_readiness_answer_503_while_a_store_is_down(
    store: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    # The client raises what escapes the app's handlers: nothing may.
    async with serve(store.model_copy(update={"run_projections": False}), clock) as api:
        registry, client, auth = api.registry, api.client, api.auth()

        def down(*_: Any, **__: Any) -> Any:
            raise error

        monkeypatch.setattr(registry, "register_body", down)
        monkeypatch.setattr(queries, "feed", down)
        monkeypatch.setattr(registry.recorder, "max_notification_id", down)
        body = {"name": "Lab", "kind": "testing_institute", "categories": ["C3851"]}
        unavailable(await client.post("/v1/evaluation-bodies", json=body, headers=auth))
        unavailable(await client.get("/v1/events"))
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["ready"] is False


async def test_an_error_raised_from_an_outage_is_a_503_too(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(store.model_copy(update={"run_projections": False}), clock=Clock())

    async def wrapped(*_: Any, **__: Any) -> Any:
        try:
            raise psycopg.OperationalError("the database system is starting up")
        except psycopg.OperationalError as cause:
            raise RuntimeError("could not read the feed") from cause

    monkeypatch.setattr(queries, "feed", wrapped)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            unavailable(await client.get("/v1/events"))


async def test_writes_are_refused_at_once_while_the_read_side_finds_the_database_down(
    store: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not after the event store's pool has waited and retried (up to a minute)."""
    settings = store.model_copy(update={"run_projections": False, "consistency_timeout": 0.1})
    async with serve(settings, clock) as api:
        registry, read_side, client, auth = api.registry, api.read_side, api.client, api.auth()
        body = {"name": "Lab", "kind": "testing_institute", "categories": ["C3851"]}
        pacer = read_side._watch_pacer
        monkeypatch.setattr(pacer, "succeeded", lambda: None)  # its next look: still down
        pacer.failed(OUTAGES[0])  # as the position watch finds it
        assert read_side.unreachable
        calls: list[str] = []
        monkeypatch.setattr(registry, "authenticate", lambda *a: calls.append("auth"))
        unavailable(await client.post("/v1/evaluation-bodies", json=body, headers=auth))
        assert calls == []  # the store was not even asked
        monkeypatch.undo()

        pacer.succeeded()  # the next look finds it back
        written = await client.post("/v1/evaluation-bodies", json=body, headers=auth)
        assert written.status_code == 201, written.text

"""Idempotency-Key: a retry answers as the first request did and records nothing new."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from domain.credit_code import make_credit_code
from registry.settings import Settings
from service.app import create_app
from tests.clock import Clock


def declaration(n: int = 1) -> dict[str, Any]:
    return {
        "enterprise": {
            "credit_code": make_credit_code("91", "120000", n),
            "name": "Tianjin Cooling Co.",
            "region": "120000",
        },
        "standard_number": f"Q/12TC {n:04d}-2025",
        "title": "Refrigerator",
        "product": {"name": "Refrigerator", "model": "BCD-1", "category": "C3851"},
        "indicators": {"eei": "50"},
        "disclosed_on": "2025-01-15",
        "commitment": True,
    }


class Api:
    """Opens the service (again, for a restart) on one store, with one platform token."""

    def __init__(self, settings: Settings, stack: AsyncExitStack) -> None:
        self.settings = settings.model_copy(update={"poll_interval": 0.05})
        self.stack = stack
        self.token = ""

    async def open(self) -> tuple[FastAPI, httpx.AsyncClient]:
        app = create_app(self.settings, clock=Clock())
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        if not self.token:
            issued = app.state.registry.bootstrap_credential(role="admin", subject="o", label="")
            platform = app.state.registry.issue_credential(
                app.state.registry.authenticate(issued["token"]), role="platform", subject="feed"
            )
            self.token, self.admin = platform["token"], issued["token"]
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://t",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        await self.stack.enter_async_context(client)
        return app, client


@pytest.fixture
async def api(store: Settings) -> AsyncIterator[tuple[Api, FastAPI, httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        holder = Api(store, stack)
        app, client = await holder.open()
        yield holder, app, client


def declarations(app: FastAPI) -> int:
    notes = app.state.registry.recorder.select_notifications(0, 10_000)
    return sum(n.topic.endswith("Declaration.Declared") for n in notes)


async def test_a_retry_answers_as_the_first_time(
    api: tuple[Api, FastAPI, httpx.AsyncClient],
) -> None:
    _, app, client = api
    headers = {"Idempotency-Key": "order-17"}
    first = await client.post("/v1/declarations", json=declaration(), headers=headers)
    assert first.status_code == 201, first.text
    head = app.state.registry.recorder.max_notification_id()
    again = await client.post("/v1/declarations", json=declaration(), headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["location"] == first.headers["location"]
    assert app.state.registry.recorder.max_notification_id() == head

    other = await client.post("/v1/declarations", json=declaration(2), headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    bad = await client.post(
        "/v1/declarations", json=declaration(3), headers={"Idempotency-Key": ""}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "Idempotency-Key"
    assert app.state.registry.recorder.max_notification_id() == head


async def test_twenty_concurrent_retries_record_one_event(
    api: tuple[Api, FastAPI, httpx.AsyncClient],
) -> None:
    _, app, client = api
    headers = {"Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post("/v1/declarations", json=declaration(), headers=headers) for _ in range(20))
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    assert declarations(app) == 1


async def test_keys_survive_a_restart(api: tuple[Api, FastAPI, httpx.AsyncClient]) -> None:
    holder, _, client = api
    key = {"Idempotency-Key": "k"}
    first = await client.post("/v1/declarations", json=declaration(), headers=key)
    await holder.stack.aclose()  # the service stops; a new one starts on the same store
    async with AsyncExitStack() as stack:
        holder.stack = stack
        app2, client2 = await holder.open()
        again = await client2.post("/v1/declarations", json=declaration(), headers=key)
        assert again.json() == first.json()
        assert declarations(app2) == 1


async def test_the_fingerprint_tells_numbers_apart_exactly(
    api: tuple[Api, FastAPI, httpx.AsyncClient],
) -> None:
    """Numbers are compared as decimals, not floats: 50.5 and 50.50 are one value, but
    50.50000000000000000001 (the same float) is another request."""
    _, app, client = api
    headers = {"Idempotency-Key": "exact", "Content-Type": "application/json"}

    def body(number: str) -> str:
        return json.dumps(declaration()).replace('"eei": "50"', f'"eei": {number}')

    first = await client.post("/v1/declarations", content=body("50.5"), headers=headers)
    assert first.status_code == 201, first.text
    head = app.state.registry.recorder.max_notification_id()
    for same in ("50.50", "5.05e1", "50.500000000000000000000"):
        again = await client.post("/v1/declarations", content=body(same), headers=headers)
        assert (again.status_code, again.json()) == (201, first.json()), same
    for other in ("50.50000000000000000001", "50.49999999999999999999"):
        refused = await client.post("/v1/declarations", content=body(other), headers=headers)
        assert refused.status_code == 422, (other, refused.text)
        assert refused.json()["field"] == "Idempotency-Key"
    assert app.state.registry.recorder.max_notification_id() == head
    assert declarations(app) == 1

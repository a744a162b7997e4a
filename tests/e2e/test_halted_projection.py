"""A halted projection over HTTP: readiness names it, reads and writes say so, nothing dies."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from projections.credentials import Credentials
from projections.machinery import follower as follower_module
from registry.settings import Settings
from service.consistency import HEADER
from tests.clock import Clock
from tests.e2e.api import serve

BROKEN = "Credential.Issued"


def overflowing(_self: object, _target: object, _event: object, _position: int) -> None:
    raise OverflowError("date value out of range")  # as the audit leaf's astimezone(UTC) did


async def ready_within(client: httpx.AsyncClient, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = await client.get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


async def test_a_handler_error_halts_one_projection_and_the_api_says_so(
    settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follower_module, "RETRY_FIRST", 0.1)
    monkeypatch.setattr(follower_module, "RETRY_MAX", 0.2)
    async with serve(settings, clock) as api:
        app, client, auth = api.app, api.client, api.auth()
        assert (await ready_within(client, 10)).status_code == 200
        original = Credentials._handlers[BROKEN]
        monkeypatch.setitem(Credentials._handlers, BROKEN, overflowing)

        started = time.monotonic()
        body = {"role": "admin", "subject": "ops-2", "label": "second"}
        written = await client.post("/v1/credentials", json=body, headers=auth)
        assert written.status_code == 201, written.text
        # Acknowledged with its position, without waiting for the halted projection.
        assert written.headers[HEADER] == "halted"
        assert time.monotonic() - started < settings.consistency_timeout / 2
        position = written.json()["position"]

        ready = await client.get("/readyz")
        assert ready.status_code == 503
        halted = ready.json()["projections"]["credentials"]["halted"]
        # The write saved the private credential event, then its public grant.
        assert halted["position"] == position - 1 and halted["event_type"] == BROKEN
        assert halted["error"] == "OverflowError: date value out of range"
        assert f"credentials halted at position {position - 1}" in ready.json()["reason"]
        assert ready.json()["projections"]["history"]["halted"] is None

        listed = await client.get("/v1/credentials", headers=auth)
        assert listed.status_code == 200 and listed.headers[HEADER] == "halted"
        feed = await client.get("/v1/events", params={"min_position": position})
        assert feed.status_code == 200 and HEADER not in feed.headers  # not halted
        assert all(t.is_alive() for t in app.state.read_side._threads)

        monkeypatch.setitem(Credentials._handlers, BROKEN, original)  # the fixed release
        assert (await ready_within(client, 10)).status_code == 200
        listed = await client.get("/v1/credentials", headers=auth)
        assert HEADER not in listed.headers
        assert "ops-2" in {c["subject"] for c in listed.json()["items"]}

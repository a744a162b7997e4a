"""Idempotency-Key: a retry answers as the first request did and records nothing new."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.worlds import EFFICIENCY, award_cycle, build_world, complain, credit_code


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


def platform(api: Api) -> str:
    """A platform token, issued by the service's admin."""
    admin = api.registry.authenticate(api.admin)
    return api.registry.issue_credential(admin, role="platform", subject="feed")["token"]


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The service, its client sending as the platform."""
    async with serve(settings, clock) as api:
        api.sign_in(platform(api))
        yield api


def declarations(app: FastAPI) -> int:
    notes = app.state.registry.recorder.select_notifications(0, 10_000)
    return sum(n.topic.endswith("Declaration.Declared") for n in notes)


async def test_a_retry_answers_as_the_first_time(
    api: Api,
) -> None:
    app, client = api.app, api.client
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
    api: Api,
) -> None:
    app, client = api.app, api.client
    headers = {"Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post("/v1/declarations", json=declaration(), headers=headers) for _ in range(20))
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    assert declarations(app) == 1


async def test_keys_survive_a_restart(settings: Settings, clock: Clock) -> None:
    key = {"Idempotency-Key": "k"}
    async with serve(settings, clock) as api:
        token = platform(api)
        api.sign_in(token)
        first = await api.client.post("/v1/declarations", json=declaration(), headers=key)
    # The service stopped; a new one starts on the same store.
    async with serve(settings, clock, admin=False) as restarted:
        restarted.sign_in(token)
        app2, client2 = restarted.app, restarted.client
        again = await client2.post("/v1/declarations", json=declaration(), headers=key)
        assert again.json() == first.json()
        assert declarations(app2) == 1


async def test_the_fingerprint_tells_numbers_apart_exactly(
    api: Api,
) -> None:
    """Numbers are compared as decimals, not floats: 50.5 and 50.50 are one value, but
    50.50000000000000000001 (the same float) is another request."""
    app, client = api.app, api.client
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


async def test_a_retried_category_definition_or_rename_answers_as_the_first(
    settings: Settings, clock: Clock
) -> None:
    fridges = {"code": "C3851", "name_zh": "家用电冰箱", "name_en": "Household refrigerators"}
    async with serve(settings, clock, signed_in=True) as api:
        client, key = api.client, {"Idempotency-Key": "catalogue-1"}
        first = await client.post("/v1/categories", json=fridges, headers=key)
        assert first.status_code == 201, first.text
        head = api.head()
        again = await client.post("/v1/categories", json=fridges, headers=key)
        assert (again.status_code, again.json()) == (201, first.json())  # not a 409
        assert again.headers["location"] == first.headers["location"]
        assert api.head() == head

        rename, key = {"name_en": "Fridges", "reason": "short"}, {"Idempotency-Key": "names"}
        renamed = await client.post("/v1/categories/C3851/names", json=rename, headers=key)
        head = api.head()
        repeated = await client.post("/v1/categories/C3851/names", json=rename, headers=key)
        assert renamed.status_code == repeated.status_code == 200, renamed.text
        assert renamed.json() == repeated.json() and api.head() == head


async def test_a_retried_investigation_or_statement_answers_as_the_first(
    settings: Settings, clock: Clock
) -> None:
    async with serve(settings, clock) as api:
        world = build_world(api.registry, api.clock, 1, line=EFFICIENCY)
        _, titles = award_cycle(
            world, 2024, [130], level="provincial", region="120000", publicity_days=0
        )
        complaint = complain(world, titles[0])
        regulator = (await api.issue("regulator", "Tianjin AMR", region="120000"))["token"]
        owner = (await api.issue("enterprise", credit_code(0)))["token"]
        for path, body, token in (
            ("investigation", None, regulator),
            ("statement", {"statement": "our retest passed"}, owner),
        ):
            headers = {**api.auth(token), "Idempotency-Key": f"{path}-1"}
            url = f"/v1/complaints/{complaint}/{path}"
            first = await api.client.post(url, json=body, headers=headers)
            assert first.status_code == 200, first.text
            head = api.head()
            again = await api.client.post(url, json=body, headers=headers)
            assert (again.status_code, again.json()) == (200, first.json())  # not a 409
            assert api.head() == head


async def test_a_retried_triage_answers_as_the_first(settings: Settings, clock: Clock) -> None:
    async with serve(settings, clock) as api:
        world = build_world(api.registry, api.clock, 1, line=EFFICIENCY)
        _, titles = award_cycle(world, 2024, [130], publicity_days=0)
        regulator = (await api.issue("regulator", "SAMR"))["token"]
        for path, body in (("dismissal", {"reason": "unfounded"}), ("complaint", {})):
            report = {"candidacy_id": titles[0], "grounds": "other", "description": path}
            receipt = (await api.client.post("/v1/reports", json=report)).json()["receipt"]
            headers = {**api.auth(regulator), "Idempotency-Key": f"triage-{path}"}
            url = f"/v1/reports/{receipt}/{path}"
            first = await api.client.post(url, json=body, headers=headers)
            assert first.status_code in (200, 201), first.text
            head = api.head()
            again = await api.client.post(url, json=body, headers=headers)
            assert (again.status_code, again.json()) == (first.status_code, first.json())
            assert api.head() == head


async def test_concurrent_retries_of_an_anonymous_report_record_one_and_share_its_secret(
    api: Api,
) -> None:
    """A report (no credential: the key is scoped to the client's address) sent eight times
    at once with one key: one report, every answer the same receipt and secret."""
    app, client = api.app, api.client
    registry = app.state.registry
    enterprise = make_credit_code("91", "120000", 5)
    body = {"credit_code": enterprise, "grounds": "fraud", "description": "forged test report"}
    headers = {"Idempotency-Key": "report-burst", "Authorization": ""}
    responses = await asyncio.gather(
        *(client.post("/v1/reports", json=body, headers=headers) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    notes = registry.recorder.select_notifications(0, 10_000)
    assert sum(n.topic.endswith("Report.Received") for n in notes) == 1


async def test_a_retried_reinstatement_or_change_of_categories_answers_as_the_first(
    settings: Settings, clock: Clock
) -> None:
    body = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3851"]}
    async with serve(settings, clock, signed_in=True) as api:
        client = api.client
        body_id = (await client.post("/v1/evaluation-bodies", json=body)).json()["id"]
        path = f"/v1/evaluation-bodies/{body_id}"
        await client.post(f"{path}/suspension", json={"reason": "audit"})
        for action, request in (
            ("reinstatement", {"reason": "audit passed"}),
            ("categories", {"categories": ["C3851", "C3852"], "reason": "re-accredited"}),
        ):
            key = {"Idempotency-Key": f"body-{action}"}
            first = await client.post(f"{path}/{action}", json=request, headers=key)
            assert first.status_code == 200, first.text
            head = api.head()
            again = await client.post(f"{path}/{action}", json=request, headers=key)
            assert (again.status_code, again.json()) == (200, first.json())  # not a 409
            assert api.head() == head

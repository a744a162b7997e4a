"""Webhook subscriptions refused (both stores): bad input names its field and records
nothing; internal endpoints; other roles; another subscriber's subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.limits import MAX_FILTER_TOTAL, MAX_FILTER_VALUES, MAX_SUBSCRIPTIONS, MAX_WEBHOOK_URL
from domain.values import Actor, Role
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, assert_problem, serve
from tests.e2e.webhooks_helpers import subscribe, subscriber, webhook_settings

GOOD = "https://93.184.215.14/hooks"  # a public address literal: nothing to resolve


# HTTPS only, public addresses only: the production defaults.
STRICT = {"webhook_allow_http": False, "webhook_allow_private": False}


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with serve(webhook_settings(settings).model_copy(update=STRICT), clock) as api:
        yield api


BAD: list[tuple[dict[str, Any], str]] = [
    ({"url": "http://93.184.215.14/hooks"}, "url"),  # not HTTPS
    ({"url": "ftp://93.184.215.14/"}, "url"),
    ({"url": "https://user:pw@93.184.215.14/"}, "url"),
    ({"url": "https://"}, "url"),
    ({"url": "https://93.184.215.14/" + "a" * MAX_WEBHOOK_URL}, "url"),
    ({"url": "https://127.0.0.1/hooks"}, "url"),  # loopback
    ({"url": "https://10.1.2.3/hooks"}, "url"),  # private
    ({"url": "https://169.254.169.254/latest/meta-data"}, "url"),  # link-local (metadata)
    ({"url": "https://[::1]/hooks"}, "url"),
    ({"url": "https://[::ffff:192.168.0.1]/hooks"}, "url"),  # IPv4-mapped private
    ({"url": "https://224.0.0.1/hooks"}, "url"),  # multicast
    ({"url": "https://0.0.0.0/hooks"}, "url"),
    ({"url": "https://localhost/hooks"}, "url"),  # resolves to loopback
    ({"url": GOOD, "filters": {"colours": ["red"]}}, "filters.colours"),
    ({"url": GOOD, "filters": {"types": ["x"] * (MAX_FILTER_VALUES + 1)}}, "filters.types"),
    (
        {
            "url": GOOD,
            "filters": {
                n: [str(i) for i in range(MAX_FILTER_VALUES)]
                for n in ("types", "categories", "credit_codes")
            },
        },
        "filters.types",
    ),
    ({"url": GOOD, "filters": {"types": ["bad\u202etype"]}}, "filters.types"),
    ({"url": GOOD, "after": -1}, "after"),
    ({"url": GOOD, "after": 10**9}, "after"),  # beyond the log's head
    ({"url": GOOD, "secret": "mine"}, "secret"),
]


def field_of(problem: dict[str, Any]) -> str:
    return str(problem.get("field", ""))


@pytest.mark.parametrize(("body", "field"), BAD)
async def test_bad_subscription_is_refused_naming_its_field_and_nothing_recorded(
    api: Api, body: dict[str, Any], field: str
) -> None:
    assert MAX_FILTER_VALUES * 3 > MAX_FILTER_TOTAL  # the third case is over the total
    token = await subscriber(api)
    head = api.head()
    problem = assert_problem(await api.post("/v1/subscriptions", body, token), 422)
    assert field_of(problem).startswith(field) or field in problem["detail"], problem
    assert api.head() == head, "nothing recorded"
    api.sign_in(token)
    assert (await api.read("/v1/subscriptions")).json()["items"] == []


async def test_other_roles_may_not_subscribe_and_see_no_subscriptions(api: Api) -> None:
    bank = await subscriber(api)
    created = await subscribe(api, bank, GOOD)
    enterprise = (await api.issue("enterprise", "91350100M000100Y43"))["token"]
    for token in (api.admin, enterprise):
        assert_problem(await api.post("/v1/subscriptions", {"url": GOOD}, token), 403)
        api.sign_in(token)
        assert_problem(await api.client.get("/v1/subscriptions"), 403)
        assert_problem(await api.client.get(f"/v1/subscriptions/{created['id']}"), 403)
    api.client.headers.pop("Authorization")
    assert_problem(await api.client.get("/v1/subscriptions"), 401)


async def test_a_subscriber_sees_and_manages_only_its_own(api: Api) -> None:
    bank = await subscriber(api, "a bank")
    other = await subscriber(api, "a procurement system")
    mine = await subscribe(api, bank, GOOD)
    api.sign_in(other)
    path = f"/v1/subscriptions/{mine['id']}"
    assert (await api.read("/v1/subscriptions")).json()["items"] == []
    for answer in (
        await api.client.get(path),
        await api.client.get(f"{path}/deliveries"),
        await api.client.post(f"{path}/pause"),
        await api.client.post(f"{path}/replay", json={"after": 0}),
        await api.client.post(f"{path}/secret"),
        await api.client.delete(path),
    ):
        assert_problem(answer, 404)
    api.sign_in(bank)
    shown = (await api.read("/v1/subscriptions")).json()["items"]
    assert [s["id"] for s in shown] == [mine["id"]] and shown[0]["status"] == "active"


async def test_the_secret_is_shown_once_and_never_read_back(api: Api) -> None:
    bank = await subscriber(api)
    created = await subscribe(api, bank, GOOD)
    assert created["secret"].startswith("whsec_")
    api.sign_in(bank)
    rotated = (await api.client.post(f"/v1/subscriptions/{created['id']}/secret")).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    await api.settle()
    for path in ("/v1/subscriptions", f"/v1/subscriptions/{created['id']}", "/v1/events"):
        text = (await api.read(path)).text
        assert created["secret"] not in text and rotated["secret"] not in text
    assert "Subscription" not in (await api.read("/v1/events", limit=200)).text  # private
    assert (await api.client.delete(f"/v1/subscriptions/{created['id']}")).status_code == 200
    assert (await api.read("/v1/subscriptions")).json()["items"] == []
    assert api.registry.subscription_secret(created["id"]) is None  # destroyed


async def test_a_subscriber_holds_a_bounded_number(api: Api) -> None:
    bank = await subscriber(api, "a bank")
    as_bank = Actor(Role.SUBSCRIBER.value, "a bank")
    for _ in range(MAX_SUBSCRIPTIONS):  # beside the API: its write rate would take a while
        api.registry.register_subscription(as_bank, url=GOOD, filters={})
    head = api.head()
    assert_problem(await api.post("/v1/subscriptions", {"url": GOOD}, bank), 422)
    assert api.head() == head


async def test_a_retried_registration_answers_the_same_subscription_and_secret(api: Api) -> None:
    bank = await subscriber(api)
    headers = api.auth(bank, **{"Idempotency-Key": "register-hooks-1"})
    first = await api.client.post("/v1/subscriptions", json={"url": GOOD}, headers=headers)
    again = await api.client.post("/v1/subscriptions", json={"url": GOOD}, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json() == again.json()
    api.sign_in(bank)
    assert len((await api.read("/v1/subscriptions")).json()["items"]) == 1

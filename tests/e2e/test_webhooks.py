"""Webhooks end to end (both stores): signed deliveries in log order, filters, retries over a
simulated day, 410, replay, pause, and a secret shown once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.limits import WEBHOOK_RETRY_DAYS
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.e2e.webhooks_helpers import (
    categories,
    dispatching,
    eventually,
    pause,
    subscribe,
    subscriber,
    webhook_settings,
)
from tests.webhook_receiver import Receiver, receiving, verified


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with serve(webhook_settings(settings), clock) as api:
        with dispatching(api):
            yield api


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as receiver:
        yield receiver


async def test_every_matching_event_arrives_signed_in_log_order(
    api: Api, receiver: Receiver
) -> None:
    token = await subscriber(api)
    everything = await subscribe(api, token, receiver.url("/all"))
    defined = await subscribe(
        api, token, receiver.url("/renamed"), filters={"types": ["Category.Renamed"]}
    )
    await categories(api, "C1", "C2", "C3")
    renamed = {"name_en": "Category one", "reason": "its full name"}
    assert (await api.post("/v1/categories/C1/names", renamed, api.admin)).status_code == 200

    all_ = await eventually(lambda: len(receiver.at("/all")) >= 4 and receiver.at("/all"))
    only = await eventually(lambda: receiver.at("/renamed"))
    public_key = (await api.read("/v1/webhooks/public-key")).json()["public_key"]
    events = [verified(d, everything["secret"], public_key) for d in all_]
    assert [e["type"] for e in events] == ["Category.Defined"] * 3 + ["Category.Renamed"]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == 4
    assert [verified(d, defined["secret"], public_key)["type"] for d in only] == [
        "Category.Renamed"
    ]
    # The body is the public feed's item, byte for byte what was signed.
    feed = (await api.read("/v1/events", after=positions[0] - 1)).json()
    feed = feed["items"] if isinstance(feed, dict) else feed
    assert events[0] == feed[0]
    assert all_[0].webhook_id == f"{everything['id']}_{positions[0]}"

    await api.read(f"/v1/subscriptions/{everything['id']}/deliveries", 401)  # private
    api.sign_in(token)
    for _ in range(1500):  # the receiver has them; the dispatcher logs them just after
        if (await api.read(f"/v1/subscriptions/{everything['id']}")).json()[
            "delivered_through"
        ] >= positions[-1]:
            break
        await pause()
    log = (await api.read(f"/v1/subscriptions/{everything['id']}/deliveries")).json()
    assert [i["position"] for i in log["items"]] == positions[::-1]
    assert {i["status_code"] for i in log["items"]} == {204}
    assert all(i["attempt"] == 1 and i["latency_ms"] >= 0 for i in log["items"])
    shown = (await api.read(f"/v1/subscriptions/{everything['id']}")).json()
    assert shown["status"] == "active" and shown["delivered_through"] >= positions[-1]
    assert "secret" not in shown


async def test_a_receiver_down_for_a_day_then_back_gets_everything(
    api: Api, receiver: Receiver, clock: Clock
) -> None:
    down = True
    receiver.answer = lambda _d: (503, {}) if down else (200, {})
    token = await subscriber(api)
    created = await subscribe(api, token, receiver.url("/bank"))
    await categories(api, "D1", "D2")
    api.sign_in(token)
    path = f"/v1/subscriptions/{created['id']}"
    start = clock.now
    while clock.now - start < timedelta(days=1):  # a simulated day of retries, with backoff
        due = await next_attempt(api, path, clock)
        more = attempted(receiver, "/bank", len(receiver.at("/bank", ok_only=False)))
        clock.now = due
        await eventually(more)
    tried = len(receiver.at("/bank", ok_only=False))
    assert tried >= 5, "retried through the day"
    down = False
    clock.now = await next_attempt(api, path, clock)
    got = await eventually(lambda: len(receiver.at("/bank")) >= 2 and receiver.at("/bank"))
    assert [verified(d, created["secret"])["data"]["code"] for d in got] == ["D1", "D2"]
    tried_first = receiver.at("/bank", ok_only=False)[:tried]
    assert {d.webhook_id for d in tried_first} == {got[0].webhook_id}, "one id, every attempt"
    last = got[-1].event["position"]
    for _ in range(1500):  # the receiver has them; the dispatcher logs them just after
        shown = (await api.read(path)).json()
        if shown["delivered_through"] >= last:
            break
        await pause()
    assert shown["status"] == "active" and shown["failed_attempts"] == 0
    log = (await api.read(f"{path}/deliveries", limit=200)).json()["items"]
    assert [i["status_code"] for i in log][-tried:] == [503] * tried
    assert all(i["next_attempt_at"] for i in log if i["status_code"] == 503)


def attempted(receiver: Receiver, path: str, before: int) -> Callable[[], bool]:
    """Whether more than `before` attempts have reached `path`."""
    return lambda: len(receiver.at(path, ok_only=False)) > before


async def next_attempt(api: Api, path: str, clock: Clock) -> datetime:
    """When the subscription's next attempt is due, once its last failure is recorded."""

    async def shown() -> dict[str, Any]:
        return dict((await api.read(path)).json())

    for _ in range(1500):
        due = (await shown())["next_attempt_at"]
        if due is not None and datetime.fromisoformat(due) > clock.now:
            return datetime.fromisoformat(due)
        await pause()
    raise AssertionError("no next attempt was scheduled")


async def test_410_disables_and_resume_delivers_from_where_it_stopped(
    api: Api, receiver: Receiver
) -> None:
    gone = True
    receiver.answer = lambda _d: (410, {}) if gone else (204, {})
    token = await subscriber(api)
    created = await subscribe(api, token, receiver.url("/gone"))
    await categories(api, "G1")
    api.sign_in(token)
    path = f"/v1/subscriptions/{created['id']}"

    async def status() -> str:
        return str((await api.read(path)).json()["status"])

    for _ in range(1500):
        if await status() == "disabled":
            break
        await pause()
    shown = (await api.read(path)).json()
    assert shown["status"] == "disabled" and "410" in shown["disabled_reason"]
    gone = False
    assert (await api.client.post(f"{path}/resume")).status_code == 200
    got = await eventually(lambda: receiver.at("/gone"))
    assert got[0].event["data"]["code"] == "G1"


async def test_replay_delivers_again_with_the_same_ids_and_pause_holds(
    api: Api, receiver: Receiver
) -> None:
    token = await subscriber(api)
    created = await subscribe(api, token, receiver.url("/r"), after=api.head())
    await categories(api, "R1", "R2")
    first = await eventually(lambda: len(receiver.at("/r")) >= 2 and receiver.at("/r"))
    api.sign_in(token)
    path = f"/v1/subscriptions/{created['id']}"
    start = first[0].event["position"] - 1
    assert (await api.client.post(f"{path}/replay", json={"after": start})).status_code == 200
    again = await eventually(lambda: len(receiver.at("/r")) >= 4 and receiver.at("/r"))
    assert [d.webhook_id for d in again[2:]] == [d.webhook_id for d in first]

    assert (await api.client.post(f"{path}/pause")).status_code == 200
    api.sign_in(api.admin)
    await categories(api, "R3")
    await api.settle()
    assert len(receiver.at("/r")) == 4, "nothing while paused"
    api.sign_in(token)
    assert (await api.client.post(f"{path}/resume")).status_code == 200
    late = await eventually(lambda: len(receiver.at("/r")) >= 5 and receiver.at("/r"))
    assert late[4].event["data"]["code"] == "R3"


async def test_an_event_undelivered_for_three_days_disables_the_subscription(
    api: Api, receiver: Receiver, clock: Clock
) -> None:
    receiver.answer = lambda _d: (500, {})
    token = await subscriber(api)
    created = await subscribe(api, token, receiver.url("/down"))
    await categories(api, "T1")
    api.sign_in(token)
    path = f"/v1/subscriptions/{created['id']}"
    await next_attempt(api, path, clock)  # the first attempt failed
    clock.advance(days=WEBHOOK_RETRY_DAYS, minutes=1)
    for _ in range(1500):
        shown = (await api.read(path)).json()
        if shown["status"] == "disabled":
            break
        await pause()
    assert shown["status"] == "disabled" and "3 days" in shown["disabled_reason"]

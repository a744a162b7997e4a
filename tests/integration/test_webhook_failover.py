"""Two webhook dispatcher processes on one PostgreSQL database: the active one is killed with
SIGKILL in the middle of deliveries; the standby takes over and nothing is lost or reordered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from domain.values import Actor, Role
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.tables import events
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.integration.test_workers import report, start_worker, wait_until
from tests.webhook_receiver import Delivery, Receiver, receiving, verified
from tests.worlds import ADMIN

BANK = Actor(Role.SUBSCRIBER.value, "a bank")


def start_dispatcher(settings: Settings) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        REGISTRY_DATABASE_URL=settings.database_url,
        REGISTRY_POLL_INTERVAL="0.1",
        REGISTRY_WEBHOOK_ALLOW_HTTP="true",
        REGISTRY_WEBHOOK_ALLOW_PRIVATE="true",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "projections.running.webhooks"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def procs(postgres_store: Settings) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=15)


def in_order_at_least_once(got: list[Delivery], expected: list[int]) -> None:
    """Every expected position arrived; first arrivals in log order; a repeat only of an
    event already delivered, with the same webhook-id."""
    seen: dict[int, str] = {}
    for delivery in got:
        position = delivery.event["position"]
        if position in seen:
            assert seen[position] == delivery.webhook_id
            continue
        assert not seen or position > max(seen), f"{position} after {max(seen)}"
        seen[position] = delivery.webhook_id
    assert sorted(seen) == expected


def test_a_standby_takes_over_after_sigkill_with_every_event_delivered_in_order(
    postgres_store: Settings, procs: list[subprocess.Popen[bytes]]
) -> None:
    settings = postgres_store.model_copy(
        update={"webhook_allow_http": True, "webhook_allow_private": True}
    )
    engine = sync_engine(settings)
    schema.upgrade(engine, settings)
    registry = LeaderRegistry(env=settings.event_store_env(), clock=Clock())
    registry.use_webhook_secrets_on(engine, settings)

    def define(first: int, count: int) -> None:
        for n in range(first, first + count):
            registry.define_category(ADMIN, code=f"K{n}", name_zh=f"类{n}", name_en=f"Kind {n}")
            if n % 3 == 0:
                registry.rename_category(ADMIN, f"K{n}", name_en=f"Kind {n}, renamed", reason="r")

    with receiving() as receiver:
        receiver.answer = slow
        everything = registry.register_subscription(
            BANK, url=receiver.url("/all"), filters={}, after=0
        )
        renamed = registry.register_subscription(
            BANK, url=receiver.url("/renamed"), filters={"types": ["Category.Renamed"]}, after=0
        )
        define(0, 60)
        procs.extend(
            [start_worker(settings), start_dispatcher(settings), start_dispatcher(settings)]
        )
        wait_until(lambda: len(receiver.at("/all")) >= 20, procs)
        with engine.connect() as conn:
            holder = conn.exec_driver_sql(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() "
                "AND a.application_name LIKE 'leader-registry-webhooks-%%'"
            ).scalar()
        assert holder is not None, report(procs)
        active = next(p for p in procs if holder == f"leader-registry-webhooks-{p.pid}")
        active.send_signal(signal.SIGKILL)
        active.wait(timeout=10)
        when_killed = len(receiver.at("/all"))
        define(60, 40)  # while only the standby is left

        head = int(registry.recorder.max_notification_id() or 0)  # a public event's
        expected_all = public_positions(settings, head, procs)
        expected_renamed = public_positions(settings, head, procs, "Category.Renamed")
        wait_until(lambda: done(receiver, "/all", expected_all), procs, timeout=60)
        wait_until(lambda: done(receiver, "/renamed", expected_renamed), procs, timeout=60)
        assert when_killed < len(expected_all), "killed in the middle of the deliveries"
        in_order_at_least_once(receiver.at("/all"), expected_all)
        in_order_at_least_once(receiver.at("/renamed"), expected_renamed)
        for delivery in receiver.at("/all")[:3]:
            verified(delivery, everything["secret"])
        verified(receiver.at("/renamed")[0], renamed["secret"])
    engine.dispose()
    registry.close()


def slow(_delivery: Delivery) -> tuple[int, dict[str, str]]:
    """A receiver that takes a few milliseconds: the kill lands mid-stream."""
    time.sleep(0.005)
    return 204, {}


def public_positions(
    settings: Settings, head: int, procs: list[subprocess.Popen[bytes]], kind: str = ""
) -> list[int]:
    """The public events' positions (of one type, if given), once `head` is projected."""
    engine = sync_engine(settings)
    last = select(func.max(events.c.position))
    try:

        def projected() -> bool:
            with engine.connect() as conn:
                return int(conn.scalar(last) or 0) >= head

        wait_until(projected, procs)
        with engine.connect() as conn:
            query = select(events.c.position).order_by(events.c.position)
            if kind:
                query = query.where(events.c.event_type == kind)
            return list(conn.scalars(query).all())
    finally:
        engine.dispose()


def done(receiver: Receiver, path: str, expected: list[int]) -> bool:
    return {d.event["position"] for d in receiver.at(path)} >= set(expected)

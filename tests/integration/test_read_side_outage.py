"""The in-process follower and the expiry sweeper outlive database errors of any library."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import eventsourcing.persistence as es
import psycopg
import pytest
import sqlalchemy.exc

from projections import follower as follower_module
from projections import runtime
from projections.runtime import ReadSide
from registry.application import LeaderRegistry
from registry.log import notifications_after
from registry.settings import Settings
from tests.clock import Clock

ERRORS: list[Exception] = [
    es.OperationalError("terminating connection due to administrator command"),
    es.InterfaceError("the connection is closed"),
    psycopg.OperationalError("server closed the connection unexpectedly"),
    sqlalchemy.exc.OperationalError("SELECT 1", None, Exception("connection refused")),
]


def until(predicate: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.02)


def test_the_follower_and_the_sweeper_ride_out_every_kind_of_outage(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = store.model_copy(update={"poll_interval": 0.02, "sweep_interval": 0.02})
    registry = LeaderRegistry(env=settings.event_store_env(), clock=Clock())
    read_side = ReadSide(settings, registry)
    failures = list(ERRORS)
    real_after = notifications_after

    def reading(*args: Any) -> Any:
        if failures:
            raise failures.pop(0)  # the log cannot be read, four times, four libraries
        return real_after(*args)

    sweeps: list[int] = []
    sweep_failures = list(ERRORS)

    def sweeping(_engine: object, _registry: object, _now: datetime) -> int:
        sweeps.append(len(sweeps))
        if sweep_failures:
            raise sweep_failures.pop(0)
        return 0

    monkeypatch.setattr(follower_module, "notifications_after", reading)
    monkeypatch.setattr(runtime, "expire_due", sweeping)
    read_side.start()
    try:
        registry.bootstrap_credential(role="admin", subject="ops", label="")
        head = int(registry.recorder.max_notification_id() or 0)
        read_side.poke()
        until(lambda: read_side.position() == head and not failures)
        until(lambda: len(sweeps) > len(ERRORS) + 1)  # sweeping again after every failure
        assert all(t.is_alive() for t in read_side._threads)
        assert {t.name for t in threading.enumerate()} >= {"projection-follower", "expiry-sweeper"}
    finally:
        asyncio.run(read_side.close())
        registry.close()

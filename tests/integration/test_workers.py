"""Two projection worker processes on one PostgreSQL database: one writes, one stands by."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import eventsourcing.persistence
import psycopg
import pytest
import sqlalchemy.exc
from sqlalchemy import func, select

from projections.machinery.engines import sync_engine
from projections.running import worker
from projections.tables import events, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, REGISTRY_DATABASE_URL=settings.database_url, REGISTRY_POLL_INTERVAL="0.2"
    )
    return subprocess.Popen(
        [sys.executable, "-m", "projections.running.worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until(
    predicate: object, procs: list[subprocess.Popen[bytes]], timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time\n" + report(procs))


def report(procs: list[subprocess.Popen[bytes]]) -> str:
    """What the workers said, for a failing assertion."""
    lines = []
    for p in procs:
        if p.poll() is not None and p.stderr is not None:
            lines.append(
                f"worker {p.pid} exited {p.returncode}: {p.stderr.read().decode()[-2000:]}"
            )
    return "\n".join(lines)


@pytest.fixture
def workers(postgres_store: Settings) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)


def test_standby_takes_over_after_sigkill_with_nothing_lost_or_doubled(
    postgres_store: Settings, workers: list[subprocess.Popen[bytes]]
) -> None:
    clock = Clock()
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=clock)
    world = build_world(registry, clock, 6, line=ENERGY)
    workers.extend([start_worker(postgres_store), start_worker(postgres_store)])
    engine = sync_engine(postgres_store)

    def projected() -> int:
        with engine.connect() as conn:
            if not conn.dialect.has_table(conn, "tracking"):
                return -1
            return int(conn.scalar(select(func.min(tracking.c.position))) or 0)

    wait_until(lambda: projected() == registry.recorder.max_notification_id(), workers)
    assert all(p.poll() is None for p in workers), report(workers)
    # Find and kill the active writer (the one holding the advisory lock).
    with engine.connect() as conn:
        holder = conn.exec_driver_sql(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
        ).scalar()
    assert holder is not None and holder.startswith("leader-registry-worker-")
    active = next(p for p in workers if holder == f"leader-registry-worker-{p.pid}")
    active.send_signal(signal.SIGKILL)
    active.wait(timeout=10)

    award_cycle(world, 2025, [40, 45, 45, 50, 55, 48])  # written while only the standby is left
    wait_until(lambda: projected() == registry.recorder.max_notification_id(), workers)
    with engine.connect() as conn:
        positions = conn.scalars(select(events.c.position)).all()
    expected = (registry.recorder.max_notification_id() or 0) - 1  # all but the credential event
    assert len(positions) == len(set(positions)) == expected
    engine.dispose()
    registry.close()


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError("the lock connection is gone"),
        sqlalchemy.exc.OperationalError("UPDATE tracking", None, Exception("deadlock detected")),
        eventsourcing.persistence.OperationalError(
            "terminating connection due to administrator command"
        ),
        eventsourcing.persistence.InterfaceError("the connection is closed"),
        RuntimeError("a bug outside the projections' handlers"),
    ],
    ids=["psycopg", "sqlalchemy", "eventsourcing", "eventsourcing-interface", "any"],
)
def test_the_worker_starts_over_after_a_database_error(
    sqlite_store: Settings, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", sqlite_store.database_url)
    calls: list[int] = []

    def follow(settings: Settings, registry: object, stop: threading.Event, *_: object) -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise error  # a batch or the leadership connection failed
        stop.set()  # the second run: as on SIGTERM

    monkeypatch.setattr(worker, "follow", follow)
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # keep pytest's handlers
    worker.main()
    assert calls == [0, 1]

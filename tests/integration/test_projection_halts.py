"""A projection that cannot apply an event halts alone, says so once, and resumes when fixed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import insert, select

from domain.credit_code import make_credit_code
from domain.values import Enterprise, Product
from projections.machinery import follower as follower_module
from projections.machinery import halts, schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.machinery.positions import tracked_state
from projections.machinery.rows import Rows
from projections.records import Records
from projections.running import worker
from projections.running.read_side import all_projections
from projections.running.readiness import readiness
from projections.tables import complaints, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import CATEGORY, ENERGY, PLATFORM, World, award_cycle, build_world

BROKEN = "Declaration.Declared"


def overflowing(_self: object, _target: object, _event: object, _position: int) -> None:
    raise OverflowError("date value out of range")  # as the audit leaf's astimezone(UTC) did


def declare(world: World, n: int) -> int:
    """One more declaration: an event the broken handler cannot apply. Its position."""
    code = make_credit_code("91", "120000", 5000 + n)
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(code, f"Late Maker {n}", "120000"),
        standard_number=f"Q/TJ {n:04d}-2025",
        title="Household refrigerators",
        product=Product("Refrigerator", f"BCD-{900 + n}", CATEGORY),
        indicators={"eei": Decimal(50), "noise": Decimal(38)},
        disclosed_on=date(2024, 12, 1),
    )["position"]


def positions(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            k: int(v) for k, v in conn.execute(select(tracking.c.projection, tracking.c.position))
        }


def halted_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "halted at position" in r.getMessage()]


def test_a_failing_projection_halts_alone_and_resumes_when_fixed(
    store: Settings,
    registry: LeaderRegistry,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(follower_module, "RETRY_FIRST", 0.0)  # retried on every batch
    monkeypatch.setattr(follower_module, "RETRY_MAX", 0.0)
    world = build_world(registry, clock, line=ENERGY)
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    f = Follower(registry, engine, all_projections())
    f.catch_up()

    original = Records._handlers[BROKEN]
    monkeypatch.setitem(Records._handlers, BROKEN, overflowing)
    bad = declare(world, 1)
    award_cycle(world, 2024, [40, 45, 45, 50])  # later events the others must still apply
    head = int(registry.recorder.max_notification_id() or 0)
    for _ in range(5):  # retries change nothing and say nothing more
        f.catch_up()

    at = positions(engine)
    assert at["records"] == bad - 1  # just before the event it cannot apply
    assert {name: p for name, p in at.items() if name != "records"} == {
        "candidacies": head,
        "history": head,
        "credentials": head,
        "audit": head,
        "status_history": head,
        "enterprises": head,
        "search": head,
        "notice_log": head,
        "subscriptions": head,
    }
    assert f.position == head  # readers of the others do not wait for it
    halt = f.halts["records"]
    assert (halt.position, halt.event_type) == (bad, BROKEN)
    assert halt.error == "OverflowError: date value out of range"
    assert len(halted_logs(caplog)) == 1, halted_logs(caplog)

    # Every process sees it: another follower, the position watch, readiness.
    assert Follower(registry, engine, all_projections()).halts["records"] == halt
    assert tracked_state(engine) == (head, frozenset({"records"}))
    report = readiness(store, registry, engine, registry.now())
    assert report["ready"] is False
    assert report["projections"]["records"]["halted"]["position"] == bad
    assert report["projections"]["audit"]["halted"] is None
    assert f"records halted at position {bad} ({BROKEN}): OverflowError" in report["reason"]

    monkeypatch.setitem(Records._handlers, BROKEN, original)
    f.catch_up()
    assert positions(engine)["records"] == head
    assert f.halts == {} and tracked_state(engine) == (head, frozenset())
    assert readiness(store, registry, engine, registry.now())["ready"] is True
    assert len(halted_logs(caplog)) == 1
    engine.dispose()


def test_the_worker_outlives_a_projection_error(
    store: Settings, registry: LeaderRegistry, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follower_module, "RETRY_MAX", 0.2)
    settings = store.model_copy(update={"poll_interval": 0.05})
    world = build_world(registry, clock, line=ENERGY)
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            worker.follow(settings, registry, stop)
        except BaseException as error:  # noqa: BLE001 - the test reports it below
            errors.append(error)

    engine = sync_engine(settings)
    schema.upgrade(engine, settings)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        until(
            lambda: set(positions(engine).values()) == {registry.recorder.max_notification_id()},
            errors,
        )
        original = Records._handlers[BROKEN]
        monkeypatch.setitem(Records._handlers, BROKEN, overflowing)
        bad = declare(world, 2)
        award_cycle(world, 2024, [40, 45, 45, 50])
        head = int(registry.recorder.max_notification_id() or 0)
        until(lambda: positions(engine).get("audit") == head, errors)
        assert thread.is_alive()
        assert positions(engine)["records"] == bad - 1
        monkeypatch.setitem(Records._handlers, BROKEN, original)
        until(lambda: tracked_state(engine) == (head, frozenset()), errors)
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(10)
        engine.dispose()
    assert errors == []


def until(predicate: Callable[[], bool], errors: list[BaseException], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert not errors, errors
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_a_row_the_database_refuses_halts_the_projection_at_its_event(
    store: Settings, registry: LeaderRegistry, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's rows are written when it ends: the failing event is found one by one."""
    monkeypatch.setattr(follower_module, "RETRY_FIRST", 0.0)
    world = build_world(registry, clock, line=ENERGY)
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    f = Follower(registry, engine, all_projections())
    f.catch_up()
    original = Records._handlers[BROKEN]

    def refused(self: Records, rows: Rows, event: Any, position: int) -> None:
        original(self, rows, event, position)
        rows.insert(complaints, {"id": str(uuid4())})  # NOT NULL columns left out

    monkeypatch.setitem(Records._handlers, BROKEN, refused)
    award_cycle(world, 2024, [40, 45, 45, 50])
    bad = declare(world, 3)
    head = int(registry.recorder.max_notification_id() or 0)
    f.catch_up()

    assert positions(engine)["records"] == bad - 1
    assert positions(engine)["candidacies"] == head
    halt = f.halts["records"]
    assert (halt.position, halt.event_type) == (bad, BROKEN)
    assert halt.error.startswith("IntegrityError")

    monkeypatch.setitem(Records._handlers, BROKEN, original)
    f.catch_up()
    assert positions(engine)["records"] == head and f.halts == {}
    engine.dispose()


def test_an_event_no_code_knows_halts_at_it_and_crashes_nothing(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    """Stored directly through the recorder: a topic that no class of this release answers to."""
    build_world(registry, clock, line=ENERGY)
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    f = Follower(registry, engine, all_projections())
    f.catch_up()
    before = int(registry.recorder.max_notification_id() or 0)
    unknown = "domain.future:Scheme.Merged"
    stored = StoredEvent(uuid4(), 1, unknown, b"{}")
    registry.recorder.insert_events([stored])
    f.catch_up()

    assert set(positions(engine).values()) == {before}
    assert {(h.position, h.event_type) for h in f.halts.values()} == {(before + 1, unknown)}
    report = readiness(store, registry, engine, registry.now())
    assert report["ready"] is False and f"({unknown}): TopicError" in report["reason"]
    engine.dispose()


def test_a_halt_is_saved_whatever_its_error_says(engine: Any) -> None:
    """An error text with NUL, a lone surrogate and 10,000 characters is still recorded."""
    error = ValueError("a\x00b\ud800" + "x" * 10_000)
    halt = halts.new_halt("records", 7, "Odd\x00Event", error)
    with engine.begin() as conn:
        conn.execute(insert(tracking).values(projection="records", position=6))
        halts.save(conn, halt)
    with engine.connect() as conn:
        saved = halts.load(conn)["records"]
    assert saved.position == 7 and saved.event_type == "Odd\\x00Event"
    assert saved.error.startswith("ValueError: a\\x00b\\ud800x")
    assert len(saved.error) == halts.MAX_ERROR

"""Rebuilding a projection from the log restores its rows and lets a live follower go on."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from projections.machinery import schema, switchover
from projections.machinery.engines import async_engine, sync_engine
from projections.machinery.follower import Follower, TrackingConflict
from projections.machinery.switchover import SwitchBlocked
from projections.running.read_side import all_projections
from projections.running.rebuild import Progress, UnknownProjection, find, rebuild
from projections.tables import candidacies, events, metadata, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def awarded(store: Settings) -> tuple[LeaderRegistry, Engine]:
    """A registry whose log holds one awarded cycle, and a migrated, empty read side."""
    clock = Clock()
    registry = LeaderRegistry(env=store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    return registry, engine


def rows(engine: Engine, table: Any) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]


@pytest.mark.parametrize("name,table", [("candidacies", candidacies), ("history", events)])
def test_rebuild_restores_rows_and_the_live_follower_reapplies_what_came_after(
    store: Settings,
    name: str,
    table: object,
    registry: LeaderRegistry,
    clock: Clock,
    engine: Engine,
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    live = Follower(registry, engine, all_projections())
    live.catch_up()
    before = rows(engine, table)
    with engine.begin() as conn:
        conn.execute(delete(table))  # type: ignore[arg-type]  # the read model is damaged

    seen: list[Progress] = []
    position = rebuild(store, registry, name, seen.append, batch_size=10)
    assert position == registry.recorder.max_notification_id()
    assert rows(engine, table) == before
    assert seen[-1].done == seen[-1].total == position and seen[-1].rate > 0

    # More events arrive while the live follower lags; the rebuild moves tracking past it.
    award_cycle(world, 2025, [41, 44, 46, 52])
    rebuild(store, registry, name)
    with pytest.raises(TrackingConflict):
        live.run_once()  # its compare-and-set fails: nothing applied twice
    Follower(registry, engine, all_projections()).catch_up()
    with engine.connect() as conn:
        tracked = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
    assert set(tracked.values()) == {registry.recorder.max_notification_id()}
    after = rows(engine, table)
    assert len(after) > len(before)
    rebuild(store, registry, name)  # from scratch again: the same rows
    assert rows(engine, table) == after


@pytest.mark.parametrize("name", ["records", "history", "audit", "search"])
def test_after_a_rebuild_the_tables_match_the_migrations_and_prepared_reads_go_on(
    store: Settings, name: str
) -> None:
    registry, engine = awarded(store)
    Follower(registry, engine, all_projections()).catch_up()
    tables = find(name).tables
    before = {t.name: rows(engine, t) for t in tables}

    async def read_all(reader: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
        async with reader.connect() as conn:  # one pooled connection: its prepared statements
            found = {}
            for table in tables:
                query = select(table).order_by(*table.primary_key)
                for _ in range(6):  # often enough for any driver to prepare it
                    found[table.name] = [tuple(r) for r in await conn.execute(query)]
            return found

    async def around_the_rebuild() -> None:
        reader = async_engine(store)
        try:
            assert await read_all(reader) == before
            await asyncio.to_thread(rebuild, store, registry, name)
            assert await read_all(reader) == before  # the same rows, through the same plans
        finally:
            await reader.dispose()

    asyncio.run(around_the_rebuild())
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"the rebuilt tables differ from the migrations: {diff}"
    engine.dispose()
    registry.close()


def test_a_switch_that_cannot_lock_the_live_tables_gives_up_and_changes_nothing(
    postgres_store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = postgres_store
    registry, engine = awarded(store)
    Follower(registry, engine, all_projections())  # tracking rows at 0: nothing projected yet
    monkeypatch.setattr(switchover, "LOCK_WAIT", "200ms")
    monkeypatch.setattr(switchover, "PAUSE", 0.0)
    with engine.connect() as reader:
        reader.execute(select(events.c.position).limit(1)).all()  # a long read holds its lock
        with pytest.raises(SwitchBlocked, match=r"events.*stayed in use \(5 tries of 200ms\)"):
            rebuild(store, registry, "history")
        reader.rollback()
    assert rows(engine, events) == []
    with engine.connect() as conn:
        tracked = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
    assert tracked["history"] == 0
    assert rebuild(store, registry, "history") == registry.recorder.max_notification_id()
    log = registry.recorder.select_notifications(start=1, limit=1000)
    assert len(rows(engine, events)) == len([n for n in log if find("history").wants(n.topic)])
    engine.dispose()
    registry.close()


def test_a_switch_waits_for_a_follower_batch_in_flight_instead_of_deadlocking(
    postgres_store: Settings,
) -> None:
    store = postgres_store
    registry, engine = awarded(store)
    Follower(registry, engine, all_projections()).catch_up()
    expected = rows(engine, events)
    with engine.connect() as batch:
        # As a follower's batch does: the tracking rows first, then the projection's tables.
        batch.execute(update(tracking).values(position=tracking.c.position))
        outcome: list[object] = []

        def run() -> None:
            try:
                outcome.append(rebuild(store, registry, "history"))
            except Exception as error:  # noqa: BLE001 - the test reports it below
                outcome.append(error)

        switching = threading.Thread(target=run)
        switching.start()
        time.sleep(1.0)  # the rebuild is now waiting for the tracking row
        assert switching.is_alive()
        batch.execute(select(events.c.position).limit(1)).all()  # not blocked by the switch
        batch.commit()
        switching.join(30)
    assert not switching.is_alive()
    assert outcome == [registry.recorder.max_notification_id()]  # it switched, no deadlock
    assert rows(engine, events) == expected
    engine.dispose()
    registry.close()


def test_unknown_projection_names_the_choices(sqlite_store: Settings) -> None:
    registry = LeaderRegistry(env=sqlite_store.event_store_env())
    with pytest.raises(UnknownProjection, match="candidacies"):
        rebuild(sqlite_store, registry, "nope")
    registry.close()

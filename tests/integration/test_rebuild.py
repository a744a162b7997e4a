"""Rebuilding a projection from the log restores its rows and lets a live follower go on."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from projections import schema
from projections.engines import sync_engine
from projections.follower import Follower, TrackingConflict
from projections.rebuild import Progress, UnknownProjection, rebuild
from projections.runtime import all_projections
from projections.tables import candidacies, events, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.integration.lifecycle import award_cycle, setup


def rows(engine: Engine, table: Any) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]


@pytest.mark.parametrize("name,table", [("candidacies", candidacies), ("history", events)])
def test_rebuild_restores_rows_and_the_live_follower_reapplies_what_came_after(
    store: Settings, name: str, table: object
) -> None:
    clock = Clock()
    registry = LeaderRegistry(env=store.event_store_env(), clock=clock)
    world = setup(registry, clock)
    award_cycle(world, 2024, [40, 45, 45, 50])
    engine = sync_engine(store)
    schema.upgrade(engine, store)
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
    engine.dispose()
    registry.close()


def test_unknown_projection_names_the_choices(sqlite_store: Settings) -> None:
    registry = LeaderRegistry(env=sqlite_store.event_store_env())
    with pytest.raises(UnknownProjection, match="candidacies"):
        rebuild(sqlite_store, registry, "nope")
    registry.close()

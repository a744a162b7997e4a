"""Tampering with stored events is detected and names the position; every row of the
event table is a leaf or a finding."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select, update

from projections.audit.verify_store import verify_store
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.tables import audit_leaves
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.integration.tampering import (
    SIGNER,
    Store,
    change,
    delete,
    forge_next_version,
    forge_with_retired_key,
    insert,
    reorder,
)
from tests.worlds import ENERGY, award_cycle, build_world


@pytest.mark.parametrize("tamper", [change, delete, reorder, insert])
def test_tampering_with_a_stored_event_is_found_at_its_position(
    store: Settings,
    signed_world: tuple[LeaderRegistry, Engine],
    tamper: Callable[[Store, int], int],
) -> None:
    registry, engine = signed_world
    assert verify_store(registry, engine).ok
    raw = Store(store, registry)
    position = tamper(raw, 12)
    raw.conn.close()
    report = verify_store(registry, engine)
    assert not report.ok
    assert report.position == position, report.problems
    assert f"position {position}" in report.problems[0]
    assert any("checkpoint" in p for p in report.problems)  # the signed roots differ too


def test_a_changed_leaf_in_the_audit_tree_is_found(
    signed_world: tuple[LeaderRegistry, Engine],
) -> None:
    registry, engine = signed_world
    leaf = audit_leaves.c.leaf_index == 20
    with engine.begin() as conn:
        conn.execute(update(audit_leaves).where(leaf).values(hash=bytes(32)))
        position = conn.scalar(select(audit_leaves.c.position).where(leaf))
    report = verify_store(registry, engine)
    assert report.position == position


def test_an_event_row_outside_the_log_is_reported(
    store: Settings, signed_world: tuple[LeaderRegistry, Engine]
) -> None:
    """Position 0 (and, on PostgreSQL, a negative one) as the next version of an awarded
    candidacy: the application would load it, so verify reports it by its position."""
    registry, engine = signed_world
    raw = Store(store, registry)
    sql = "SELECT originator_id FROM {t} WHERE topic LIKE ? LIMIT 1"
    candidacy = raw.run(sql, "%Candidacy.Awarded")[0][0]  # as stored
    positions = [-5, 0] if store.is_postgres else [0]
    for position in positions:
        forge_next_version(raw, candidacy, position)
    raw.conn.close()
    report = verify_store(registry, engine)
    assert not report.ok
    assert report.position == positions[0]
    for position, problem in zip(positions, report.problems, strict=False):
        assert problem.startswith(f"position {position}: an event row outside the log")
        assert str(uuid.UUID(str(candidacy))) in problem


def test_a_hole_in_sqlite_positions_is_reported_even_with_a_rebuilt_tree(
    sqlite_store: Settings,
) -> None:
    """SQLite numbers events without gaps: a deleted row leaves a hole that verify names,
    even when the tree was rebuilt over the remaining rows and nothing was signed."""
    clock = Clock()
    registry = LeaderRegistry(env=sqlite_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    raw = Store(sqlite_store, registry)
    delete(raw, 7)
    delete(raw, 8)
    raw.conn.close()
    engine = sync_engine(sqlite_store)
    schema.upgrade(engine, sqlite_store)
    Follower(registry, engine, all_projections()).catch_up()
    report = verify_store(registry, engine)
    assert report.position == 7
    assert report.problems[0].startswith("position 7 to 8: no event row")
    engine.dispose()
    registry.close()


def test_a_row_beyond_the_postgres_sequence_is_reported(
    postgres_store: Settings,
) -> None:
    """PostgreSQL's positions may skip numbers, but none is above the sequence's last."""
    clock = Clock()
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    engine = sync_engine(postgres_store)
    schema.upgrade(engine, postgres_store)
    raw = Store(postgres_store, registry)
    head = registry.recorder.max_notification_id() or 0
    sql = "SELECT originator_id FROM {t} WHERE topic LIKE ? LIMIT 1"
    forge_next_version(raw, raw.run(sql, "%Candidacy.Awarded")[0][0], head + 10)
    raw.conn.close()
    Follower(registry, engine, all_projections()).catch_up()  # even projected
    report = verify_store(registry, engine)
    assert any(
        p.startswith(f"position {head + 10}: beyond the last position") for p in report.problems
    ), report.problems
    engine.dispose()
    registry.close()


def test_a_checkpoint_forged_with_a_retired_key_is_refused(
    signed_world: tuple[LeaderRegistry, Engine],
) -> None:
    """Whoever keeps a retired key could sign any tree: it vouches only up to its retirement."""
    registry, engine = signed_world
    forge_with_retired_key(engine, SIGNER)
    report = verify_store(registry, engine)
    assert report.checkpoints == 2  # the two it signed before its retirement still verify
    assert report.problems == [
        f"checkpoint of 99999 leaves: the checkpoint of 99999 leaves is signed by key "
        f"{SIGNER.verifier.key_id}, retired at a tree of {report.leaves} leaves: it cannot "
        "vouch for a larger tree"
    ]

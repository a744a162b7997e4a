"""The audit projection builds the RFC 9162 tree of the whole log, on both stores."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import Engine, select

from domain import merkle
from projections.audit.export import log_events
from projections.audit.leaves import leaf_bytes
from projections.audit.tree import evaluate, tree_size
from projections.audit.verify_store import verify_store
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.running.rebuild import rebuild
from projections.tables import audit_leaves, audit_nodes
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


@pytest.fixture
def world(registry: LeaderRegistry, clock: Clock, engine: Engine) -> tuple[LeaderRegistry, Engine]:
    """Two award cycles, not yet projected."""
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    award_cycle(world, 2025, [41, 44, 46, 52])
    return registry, engine


def all_rows(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with engine.connect() as conn:
        leaves = [tuple(r) for r in conn.execute(select(audit_leaves).order_by("leaf_index"))]
        ordered = select(audit_nodes).order_by("node_id")
        nodes = [tuple(r) for r in conn.execute(ordered)]
    return leaves, nodes


def test_the_tree_holds_every_event_in_log_order(
    store: Settings, world: tuple[LeaderRegistry, Engine]
) -> None:
    registry, engine = world
    Follower(registry, engine, all_projections(), batch_size=7).catch_up()  # many transactions
    expected = [merkle.leaf_hash(leaf_bytes(e, p)) for p, e in log_events(registry)]
    reference = merkle.in_memory(expected)
    with engine.connect() as conn:
        assert tree_size(conn) == len(expected) > 40
        for n in range(1, len(expected) + 1):
            assert evaluate(conn, partial(merkle.root, size=n)) == merkle.root(reference, n)
        size = len(expected)
        for m in range(0, size, 5):
            path = evaluate(conn, partial(merkle.inclusion_path, index=m, size=size))
            assert path == merkle.inclusion_path(reference, m, size)
    assert verify_store(registry, engine).ok

    before = all_rows(engine)
    assert rebuild(store, registry, "audit") == registry.recorder.max_notification_id()
    assert all_rows(engine) == before

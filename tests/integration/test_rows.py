"""Bulk writes through `Rows`: the read models do not depend on how the log is batched."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from projections.machinery.follower import Follower
from projections.machinery.rows import Rows
from projections.running.read_side import all_projections
from projections.running.rebuild import rebuild
from projections.tables import candidacies, events, schemes
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, ENERGY, REGULATOR, award_cycle, build_world


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row, by table; credentials' last-used time is not projected."""
    tables = [t for p in all_projections() for t in p.tables]
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
            for t in tables
        }


def history_of_a_busy_registry(registry: LeaderRegistry, clock: Clock) -> None:
    """Two cycles (supersession), a dismissed and an upheld complaint, a rotated credential."""
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    for upheld in (False, True):
        complaint = registry.file_complaint(
            REGULATOR,
            candidacy_id=world.candidacies[0],
            complainant_kind="regulator",
            grounds="fraud",
            description="test data were altered",
            evidence=[],
        )["id"]
        registry.decide_complaint(REGULATOR, complaint, upheld=upheld, findings="inspected")
    award_cycle(world, 2025, [41, 44, 46, 52])
    issued = registry.issue_credential(ADMIN, role="regulator", subject="Tianjin AMR")
    registry.rotate_credential(ADMIN, issued["id"])


def scheme_row() -> dict[str, Any]:
    """A drafted scheme's read-model row, every column given."""
    row = {"id": "s1", "body_id": "b", "title": "t", "category": "C1", "cycle": 2024}
    row |= {"level": "national", "region": "", "status": "draft", "indicators": []}
    row |= {"top_n": 1, "publicity_days": 1, "validity_days": 1, "candidates": 0}
    row |= {"rejection_reason": "", "version": 1, "drafted_at": datetime(2025, 1, 1, tzinfo=UTC)}
    return row


@pytest.mark.parametrize("live_batch", [1, 7])
def test_read_models_are_the_same_whatever_the_batch_size(
    store: Settings, live_batch: int, registry: LeaderRegistry, clock: Clock, engine: Engine
) -> None:
    history_of_a_busy_registry(registry, clock)
    # Small batches: rows are inserted by one batch and updated (or counted) by later ones.
    Follower(registry, engine, all_projections(), batch_size=live_batch).catch_up()
    small = snapshot(engine)
    # One batch for the whole log: every row is built in memory and inserted once.
    for projection in all_projections():
        rebuild(store, registry, projection.name, batch_size=100_000)
    assert snapshot(engine) == small
    by_id = {row[0]: row for row in small["candidacies"]}
    assert len(by_id) == 8 and sum(1 for row in small["events"]) > 50
    revoked = [r for r in by_id.values() if r[candidacies.c.keys().index("status")] == "revoked"]
    assert len(revoked) == 1


def test_updates_merge_in_memory_and_load_what_the_batch_has_not_seen(engine: Engine) -> None:
    row = scheme_row()
    bump = {"candidates": lambda r: r["candidates"] + 1}
    with engine.begin() as conn:
        rows = Rows(conn)
        rows.insert(schemes, row)
        rows.update(schemes, "s1", **bump, version=2)
        rows.update(schemes, "s1", **bump, version=3)
        with pytest.raises(ValueError, match="already holds"):
            rows.insert(schemes, row)
        rows.flush()
        # A later batch: set blind, then loaded (with what was set), counted twice.
        rows.update(schemes, "s1", status="approved", candidates=10)
        rows.update(schemes, "s1", **bump)
        rows.update(schemes, "s1", **bump, version=4)
        assert rows.get(schemes, "s1") == rows.get(schemes, "s1")
        rows.update(schemes, "missing", **bump)  # like an UPDATE of no row: nothing
        rows.flush()
        found = conn.execute(
            select(schemes.c.candidates, schemes.c.status, schemes.c.version)
        ).all()
    assert [tuple(r) for r in found] == [(12, "approved", 4)]


def test_prefetch_and_bulk_inserts_keep_every_value_exactly(engine: Engine) -> None:
    text = 'tab\there, line\nbreak, back\\slash, "quoted", 领跑者 and \U0001f3c6'
    row = {"id": "s1", "body_id": "b", "title": text, "category": "C1", "cycle": 2024}
    row |= {"level": "national", "region": "", "status": "draft", "candidates": 0}
    row |= {"indicators": [{"code": "eff", "note": text, "weight": 0.5, "more": None}]}
    row |= {"top_n": 1, "publicity_days": 1, "validity_days": 1, "rejection_reason": ""}
    row |= {"version": 1, "drafted_at": datetime(2025, 1, 1, 8, 30, tzinfo=UTC)}
    with engine.begin() as conn:
        rows = Rows(conn)
        rows.insert(schemes, row)
        rows.insert(schemes, {**row, "id": "s2", "title": ""})
        rows.flush()
    with engine.begin() as conn:
        rows = Rows(conn)
        rows.update(schemes, "s1", status="approved")  # set blind before the prefetch
        rows.insert(schemes, {**row, "id": "s3"})
        rows.prefetch(schemes, ["s1", "s2", "s3", "missing", "s1"])
        with engine.connect() as other:  # the prefetch answers the rest from memory
            other.execute(schemes.delete().where(schemes.c.id == "s2"))
            other.commit()
        assert rows.get(schemes, "s2") is not None and rows.get(schemes, "missing") is None
        loaded = rows.get(schemes, "s1")
        assert loaded is not None and loaded["status"] == "approved"
        assert loaded["title"] == text and loaded["indicators"] == row["indicators"]
        assert loaded["drafted_at"] == row["drafted_at"]
        rows.flush()
        stored = {r.id: r for r in conn.execute(select(schemes))}
    assert sorted(stored) == ["s1", "s3"]
    assert stored["s3"].title == text and stored["s3"].indicators == row["indicators"]
    assert stored["s3"].drafted_at == row["drafted_at"] and stored["s1"].status == "approved"


def test_bulk_inserts_refuse_what_an_insert_refuses(store: Settings, engine: Engine) -> None:
    row = scheme_row()
    with engine.begin() as conn:
        rows = Rows(conn)
        rows.insert(schemes, row)
        rows.flush()
    with engine.connect() as conn:
        rows = Rows(conn)
        rows.insert(schemes, {**row, "nonsense": 1})
        with pytest.raises(ValueError, match="no column nonsense"):
            rows.flush()
    with engine.connect() as conn:
        rows = Rows(conn)
        rows.insert(schemes, {**row, "title": "again"})  # a key the table already holds
        with pytest.raises(IntegrityError):  # SQLAlchemy's, whatever the store writes with
            rows.flush()
    with engine.connect() as conn:
        assert conn.execute(select(schemes.c.title)).scalars().all() == ["t"]


@pytest.mark.parametrize("via", ["insert", "rows"])
def test_json_columns_keep_what_they_are_given(via: str, engine: Engine) -> None:
    data = {"名称": '津冷 \u2028 "quoted" \\ \n', "n": [1, -(2**63), 2**70], "nested": {"ok": True}}
    row = dict(
        position=1,
        aggregate_id="9c5b94b1-35ad-49bb-b118-8e8fc24c1d25",
        aggregate_version=1,
        aggregate_type="Declaration",
        event_type="Declaration.Declared",
        timestamp=datetime(2025, 1, 2, tzinfo=UTC),
        actor_role="enterprise",
        actor_subject="91350100M000100Y43",
        data=data,
    )
    with engine.begin() as conn:
        if via == "insert":
            conn.execute(events.insert(), row)
        else:  # COPY on PostgreSQL
            batch = Rows(conn)
            batch.insert(events, row)
            batch.flush()
    with engine.connect() as conn:
        assert conn.scalar(select(events.c.data)) == data

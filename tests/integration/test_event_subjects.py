"""Each public event's category, body and scheme, and the event filter over them: the SQL
clauses and the in-memory test select the same events; migration 0020 fills them for
events projected before (both stores)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select, text

from projections.event_filters import EventFilter
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.tables import events, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, REGULATOR, award_cycle, build_world


def test_events_name_what_they_concern_and_filters_agree(
    store: Settings, registry: LeaderRegistry, clock: Clock, engine: Engine
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    candidacy = world.candidacies[0]
    registry.file_complaint(
        REGULATOR,
        candidacy_id=candidacy,
        complainant_kind="regulator",
        grounds="fraud",
        description="test data were altered",
        evidence=[],
    )
    Follower(registry, engine, all_projections()).catch_up()
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(events).order_by(events.c.position))]
    entered = next(r for r in rows if r["event_type"] == "Candidacy.Entered")
    scheme = next(r for r in rows if r["event_type"] == "Scheme.Drafted")
    assert entered["scheme_id"] == scheme["aggregate_id"] == scheme["scheme_id"]
    assert entered["body_id"] == scheme["body_id"] and entered["category"] == scheme["category"]
    for row in rows:
        kind = row["event_type"].split(".")[0]
        if kind in ("Candidacy", "Scheme"):
            assert (row["scheme_id"], row["body_id"]) == (scheme["scheme_id"], scheme["body_id"])
        if kind == "EvaluationBody":
            assert row["body_id"] == row["aggregate_id"]
        if kind == "Declaration":
            assert row["category"] == scheme["category"] and row["credit_code"]
    filed = next(r for r in rows if r["event_type"] == "Complaint.Filed")
    assert filed["candidacy_id"] == candidacy and filed["scheme_id"] == scheme["scheme_id"]
    its_entry = next(r for r in rows if r["aggregate_id"] == candidacy)
    assert filed["credit_code"] == its_entry["credit_code"] is not None
    filters = [
        EventFilter(),
        EventFilter(types=("Candidacy.Awarded", "Complaint.Filed")),
        EventFilter(categories=(scheme["category"],), types=("Declaration.Declared",)),
        EventFilter(body_ids=(scheme["body_id"],)),
        EventFilter(scheme_ids=(scheme["scheme_id"],), candidacy_ids=(candidacy,)),
        EventFilter(credit_codes=(entered["credit_code"], "X")),
        EventFilter(categories=("NONE",)),
    ]
    with engine.connect() as conn:
        for found in filters:
            in_sql = conn.execute(
                select(events.c.position).where(*found.where()).order_by(events.c.position)
            ).scalars()
            in_memory: list[Any] = [r["position"] for r in rows if found.matches(r)]
            assert list(in_sql) == in_memory, found
    assert 0 < len([r for r in rows if filters[4].matches(r)]) < len(rows)


def test_migration_0020_projects_the_history_again(empty_store: Settings) -> None:
    clock = Clock()
    registry = LeaderRegistry(env=empty_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    engine = sync_engine(empty_store)
    schema.upgrade(engine, empty_store, "0019")
    with engine.begin() as conn:  # one row as the code before left it, its columns unknown
        conn.execute(text("INSERT INTO tracking (projection, position) VALUES ('history', 1)"))
        conn.execute(
            text(
                "INSERT INTO events (position, aggregate_id, aggregate_version, aggregate_type, "
                "event_type, timestamp, actor_role, actor_subject, data) VALUES (1, 'a', 1, "
                "'EvaluationBody', 'EvaluationBody.Registered', :at, 'admin', 'ops', '{}')"
            ),
            {"at": clock()},
        )
    schema.upgrade(engine, empty_store)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(events)).scalar() == 0
        history = select(tracking.c.position).where(tracking.c.projection == "history")
        assert conn.execute(history).scalar() == 0
    Follower(registry, engine, all_projections()).catch_up()
    with engine.connect() as conn:
        bodies = select(events.c.body_id, events.c.aggregate_id).where(
            events.c.aggregate_type == "EvaluationBody"
        )
        found = conn.execute(bodies).all()
    assert found and all(body == aggregate for body, aggregate in found)
    registry.close()
    engine.dispose()

"""Projections on the real stores: exactly once, resumable, and able to reconstruct the past."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from projections import queries
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower, TrackingConflict
from projections.running.read_side import ReadSide, all_projections
from projections.tables import candidacies, events, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, REGULATOR, award_cycle, build_world


def follower(store: Settings, registry: LeaderRegistry, batch_size: int = 500) -> Follower:
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    return Follower(registry, engine, all_projections(), batch_size=batch_size)


def count(f: Follower, table: object) -> int:
    with f.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_every_event_is_projected_once_and_positions_are_tracked(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    f = follower(store, registry)
    f.catch_up()
    last = registry.recorder.max_notification_id()
    assert f.position == last
    public = count(f, events)
    # Every event but the credential issue is in the public feed, each exactly once.
    assert public == last - 1
    # Replaying an already-tracked batch is refused and changes nothing.
    stale = Follower(registry, f.engine, all_projections())
    stale._position = {name: 0 for name in stale._position}
    with pytest.raises(TrackingConflict):
        stale.run_once()
    assert count(f, events) == public
    assert count(f, candidacies) == 4


def test_a_restarted_follower_resumes_where_it_stopped(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    first = follower(store, registry, batch_size=7)
    assert first.run_once() == 7
    assert first.run_once() == 7
    first.engine.dispose()  # the service stops mid-stream
    second = follower(store, registry, batch_size=7)
    assert second.position == 14
    second.catch_up()
    assert second.position == registry.recorder.max_notification_id()
    with second.engine.connect() as conn:
        positions = conn.scalars(select(events.c.position).order_by(events.c.position)).all()
        tracked = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
    assert (
        len(positions) == len(set(positions)) == (registry.recorder.max_notification_id() or 0) - 1
    )
    assert set(tracked.values()) == {registry.recorder.max_notification_id()}


async def test_as_of_reconstructs_a_list_that_differs_from_today(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)
    first_leader = world.candidacies[0]
    awarded_at = clock.advance(days=30)
    # A regulator upholds a fraud complaint: the leader loses its title.
    complaint = registry.file_complaint(
        REGULATOR,
        candidacy_id=first_leader,
        complainant_kind="regulator",
        grounds="fraud",
        description="test report forged",
        evidence=["report-17"],
    )["id"]
    clock.advance(days=1)
    registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forgery confirmed")
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    assert side.follower is not None
    side.follower.catch_up()
    now = clock.advance(days=1)
    async with side.engine.connect() as conn:
        today = await queries.leaders(conn, now=now)
        then = await queries.leaders(conn, now=now, as_of=awarded_at)
        status = await queries.candidacy(conn, first_leader, now=now)
    assert today["items"] == []
    assert [i["candidacy_id"] for i in then["items"]] == [first_leader]
    assert status is not None and status["status"] == "revoked"
    assert "forgery confirmed" in status["end_reason"]
    assert status["ended_by"] == {"role": "regulator", "subject": "Tianjin AMR"}
    await side.close()


async def test_reads_never_show_an_expired_title_as_current(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    assert side.follower is not None
    side.follower.catch_up()
    later = clock.advance(days=366)  # past validity, before any sweep
    async with side.engine.connect() as conn:
        assert (await queries.leaders(conn, now=later))["items"] == []
        status = await queries.candidacy(conn, world.candidacies[0], now=later)
        assert status is not None and status["status"] == "expired"
    assert side.sweep(later) == 1  # the sweeper records it as an event
    assert side.sweep(later) == 0
    side.follower.catch_up()
    with side.writer.connect() as conn:
        recorded = conn.scalar(
            select(candidacies.c.status).where(candidacies.c.id == world.candidacies[0])
        )
        conn.execute(update(tracking).values(position=tracking.c.position))  # still readable
    assert recorded == "expired"
    await side.close()


async def test_a_finding_after_expiry_revokes_but_keeps_when_the_title_ended(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)
    leader = world.candidacies[0]
    complaint = registry.file_complaint(
        REGULATOR,
        candidacy_id=leader,
        complainant_kind="regulator",
        grounds="nonconformity",
        description="below its declared efficiency",
        evidence=[],
    )["id"]
    clock.advance(days=400)
    registry.expire_titles([leader])
    registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="retest failed")
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    assert side.follower is not None
    side.follower.catch_up()
    async with side.engine.connect() as conn:
        status = await queries.candidacy(conn, leader, now=clock.now)
    assert status is not None and status["status"] == "revoked"
    assert "retest failed" in status["end_reason"]
    assert status["ended_at"] == status["valid_until"]  # it ended when its validity did
    await side.close()

"""The status history on the real stores: each record's status at any moment, from the events."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select

from projections import as_of
from projections.running.read_side import ReadSide
from projections.tables import candidacies
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, ENERGY, PLATFORM, REGULATOR, award_cycle, build_world, complain

SECOND = timedelta(seconds=1)


async def awarded_count(side: ReadSide, status: str, moment: datetime) -> int:
    """How many candidacies a list filtered by `status` at `moment` would count."""
    period, on = as_of.period_join(candidacies.c.id, moment)
    query = (
        select(func.count())
        .select_from(candidacies.join(period, on))
        .where(as_of.status_is(period.c, status, moment))
    )
    async with side.engine.connect() as conn:
        return int(await conn.scalar(query) or 0)


async def test_every_record_answers_its_status_at_any_moment(
    store: Settings, registry: LeaderRegistry, clock: Clock
) -> None:
    before = clock.now - SECOND
    world = build_world(registry, clock, line=ENERGY)
    declared = clock.now
    drafted = clock.advance(days=1)
    scheme, (leader, second, *_) = award_cycle(world, 2024, [40, 45, 48, 50], top_n=2)
    awarded = clock.now
    filed = clock.advance(days=5)
    complaint = complain(world, leader, grounds="fraud")
    decided = clock.advance(days=5)
    registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forged report")
    withdrawn = clock.advance(days=1)
    registry.withdraw_declaration(PLATFORM, world.declarations[3], reason="discontinued")
    suspended = clock.advance(days=1)
    registry.suspend_body(ADMIN, world.body_id, reason="audit")
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    assert side.follower is not None
    side.follower.catch_up()

    async def status(record: str, moment: datetime) -> str | None:
        async with side.engine.connect() as conn:
            return await as_of.status_at(conn, record, moment)

    # Before anything existed, nothing answers.
    for record in (world.body_id, world.declarations[0], scheme, leader, complaint):
        assert await status(record, before) is None
    assert await status(world.body_id, declared) == "registered"
    assert await status(world.body_id, suspended - SECOND) == "registered"
    assert await status(world.body_id, suspended) == "suspended"
    assert await status(world.declarations[3], withdrawn - SECOND) == "active"
    assert await status(world.declarations[3], withdrawn) == "withdrawn"
    # Drafted, approved and ranked in one moment: the last of them is what stood then.
    assert await status(scheme, declared) is None
    assert await status(scheme, drafted) == "ranked"
    assert await status(scheme, awarded) == "awarded"
    assert await status(leader, drafted - SECOND) is None
    assert await status(leader, drafted) == "publicised"
    assert await status(leader, awarded) == "awarded"
    assert await status(leader, filed) == "under_complaint"
    assert await status(leader, decided) == "revoked"
    assert await status(complaint, filed - SECOND) is None
    assert await status(complaint, filed) == "filed"
    assert await status(complaint, decided) == "upheld"

    # The lists' conditions count the same.
    assert await awarded_count(side, "awarded", awarded) == 2
    assert await awarded_count(side, "awarded", filed) == 1
    assert await awarded_count(side, "under_complaint", filed) == 1
    assert await awarded_count(side, "revoked", decided) == 1
    assert await awarded_count(side, "awarded", before) == 0

    # A title past its validity is expired from then, before and after the sweeper.
    async with side.engine.connect() as conn:
        valid_until = await conn.scalar(
            select(candidacies.c.valid_until).where(candidacies.c.id == second)
        )
    assert valid_until is not None
    assert await status(second, valid_until - SECOND) == "awarded"
    assert await status(second, valid_until) == "expired"
    assert await awarded_count(side, "expired", valid_until) == 1
    clock.advance(days=400)
    assert side.sweep(clock.now) == 1
    side.follower.catch_up()
    assert await status(second, valid_until - SECOND) == "awarded"
    assert await status(second, valid_until) == "expired"
    assert await awarded_count(side, "expired", valid_until) == 1

    # The periods follow each other: each ends at the moment and position the next begins.
    async with side.engine.connect() as conn:
        periods = await as_of.periods(conn, leader, clock.now)
    shown = [p.status for p in periods if p.ended_at is None or p.ended_at > p.began_at]
    assert shown == ["publicised", "awarded", "under_complaint", "revoked"]
    for earlier, later in pairwise(periods):
        assert (earlier.ended_at, earlier.ended_position) == (later.began_at, later.began_position)
    assert periods[-1].ended_at is None
    async with side.engine.connect() as conn:
        expiry = (await as_of.periods(conn, second, clock.now))[-1]
    assert (expiry.status, expiry.began_at) == ("expired", valid_until)
    await side.close()

"""The stream's broadcaster reads each new event once, whatever its subscribers filter: the
same statements for one unfiltered subscriber as for twenty filtered ones, and each filtered
queue holds what the filter's SQL selects (both stores)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine, event, select

from projections.event_filters import EventFilter
from projections.machinery.engines import async_engine
from projections.machinery.follower import Follower
from projections.machinery.positions import PositionWatch
from projections.running.read_side import all_projections
from projections.tables import events
from registry.application import LeaderRegistry
from registry.settings import Settings
from service.stream.broadcaster import Broadcaster, Subscriber
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def filters(engine: Engine) -> list[EventFilter]:
    """Twenty filters over what the log holds: by type, category, body, scheme, enterprise."""
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(events))]
    values = {column: sorted({str(r[column]) for r in rows if r[column]}) for column in rows[0]}
    found = [EventFilter(types=(t,)) for t in values["event_type"][:10]]
    found += [EventFilter(credit_codes=(c,)) for c in values["credit_code"][:5]]
    found += [
        EventFilter(scheme_ids=(s,), types=("Candidacy.Awarded",)) for s in values["scheme_id"]
    ]
    found += [EventFilter(body_ids=tuple(values["body_id"])), EventFilter(categories=("NONE",))]
    return found[:20]


async def poll_all(store: Settings, wanted: list[EventFilter]) -> tuple[int, list[list[int]]]:
    """Statements one poll of the whole feed runs, and what each subscriber was offered."""
    engine = async_engine(store)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        broadcaster = Broadcaster(engine, PositionWatch(), poll_interval=1)
        subscribers = [broadcaster.subscribe(Subscriber(w, size=10_000)) for w in wanted]
        assert await broadcaster.poll() > 0
        return len(statements), [[f.position for f in s.queue] for s in subscribers]
    finally:
        await engine.dispose()


def test_filtered_subscribers_cost_no_more_reads(
    store: Settings, registry: LeaderRegistry, clock: Clock, engine: Engine
) -> None:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    award_cycle(world, 2025, [41, 44, 46, 52])
    Follower(registry, engine, all_projections()).catch_up()
    wanted = filters(engine)
    alone, _ = asyncio.run(poll_all(store, [EventFilter()]))
    many, offered = asyncio.run(poll_all(store, wanted))
    assert many == alone
    with engine.connect() as conn:
        for one, got in zip(wanted, offered, strict=True):
            query = select(events.c.position).where(*one.where()).order_by(events.c.position)
            assert got == list(conn.execute(query).scalars()), one
    assert sum(1 for got in offered if got) >= 15

"""The public events after a position, each with what a filter matches it on and its item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.event_filter import COLUMNS
from projections.queries import event_items
from projections.tables import events

MATCHED = tuple(COLUMNS.values())  # the columns an event filter reads


@dataclass(frozen=True)
class FeedEvent:
    """One public event: its position, its filter columns and its item in the feed."""

    position: int
    subject: dict[str, Any]
    item: dict[str, Any]


async def events_after(
    conn: AsyncConnection,
    *where: ColumnElement[bool],
    after: int,
    limit: int,
    until: int | None = None,
) -> list[FeedEvent]:
    """At most `limit` public events after `after` (up to `until`) meeting `where`, in
    log order."""
    if until is not None:
        where = (*where, events.c.position <= until)
    rows = (
        await conn.execute(
            select(events)
            .where(events.c.position > after, *where)
            .order_by(events.c.position)
            .limit(limit)
        )
    ).all()
    items = await event_items(conn, rows)
    return [
        FeedEvent(row.position, {c: row._mapping[c] for c in MATCHED}, item)
        for row, item in zip(rows, items, strict=True)
    ]


async def last_position(conn: AsyncConnection) -> int:
    """The position of the last public event in the feed (0 if none)."""
    return int(await conn.scalar(select(func.max(events.c.position))) or 0)

"""The leaders list's changes since a log position: titles that joined it and titles that
left it, in log order, with the position each change was recorded at and why.

The changes are read from the candidacies' periods (`projections.title_departures`) that
began after `since` and at most at `up_to`, the position every read model it draws on
(`status_history`, `candidacies`, `history`) has reached: read first, so that every row up
to it is there, on both stores. A full page ends at its last change's position (`more`); a
client calls again with `since` = the answer's `up_to`.

An expiry is a change once recorded (the sweeper records it within its interval), dated at
the end of the title's validity, when the list dropped it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.queries import list_filters, title_item
from projections.tables import tracking
from projections.title_departures import after, c, changes_select, departure

SOURCES = ("status_history", "candidacies", "history")


async def read_position(conn: AsyncConnection) -> int:
    """The position every read model the changes draw on has reached (0 before any)."""
    found = await conn.execute(
        select(func.min(tracking.c.position), func.count()).where(
            tracking.c.projection.in_(SOURCES)
        )
    )
    lowest, count = found.one()
    return int(lowest or 0) if count == len(SOURCES) else 0


def change_item(row: Any, now: datetime) -> dict[str, Any]:
    """One change: joined or left, its position, when and why, and the title as it is now."""
    joined = row.change == "awarded"
    return {
        "change": "joined" if joined else "left",
        "position": row.change_position,
        **departure(row),
        "title": title_item(row, now),
    }


async def leader_changes(
    conn: AsyncConnection,
    *,
    now: datetime,
    since: int,
    limit: int,
    category: str | None = None,
    cycle: int | None = None,
    level: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
    body_id: str | None = None,
) -> dict[str, Any]:
    """The page of changes after `since` to the titles of the lists the filters select."""
    reached = await read_position(conn)
    query = changes_select().where(
        after.c.began_position > since,
        after.c.began_position <= reached,
        *list_filters(category, cycle, level, region, credit_code),
    )
    if body_id is not None:
        query = query.where(c.body_id == body_id)
    rows = (await conn.execute(query.order_by(after.c.began_position).limit(limit))).all()
    items = [change_item(row, now) for row in rows]
    more = len(items) == limit
    up_to = items[-1]["position"] if more else max(reached, since)
    return {"items": items, "since": since, "up_to": up_to, "more": more}

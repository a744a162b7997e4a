"""The latest awards and revocations, newest first: the home page's news."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from projections.queries import c, title_item, titles


async def latest_awards(
    conn: AsyncConnection, *, now: datetime, limit: int = 5
) -> list[dict[str, Any]]:
    """The titles most recently awarded (whatever their status now), newest first."""
    query = titles().where(c.awarded_at.is_not(None), c.awarded_at <= now)
    rows = await conn.execute(query.order_by(c.awarded_at.desc(), c.id).limit(limit))
    return [title_item(row, now) for row in rows]


async def latest_revocations(
    conn: AsyncConnection, *, now: datetime, limit: int = 5
) -> list[dict[str, Any]]:
    """The titles most recently revoked, newest first, with when and why."""
    query = titles().where(c.status == "revoked", c.ended_at.is_not(None))
    rows = await conn.execute(query.order_by(c.ended_at.desc(), c.id).limit(limit))
    return [
        {**title_item(row, now), "ended_at": row.ended_at.isoformat(), "reason": row.end_reason}
        for row in rows
    ]

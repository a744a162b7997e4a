"""A subscriber's subscriptions and their delivery logs, as the API answers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import NotFound
from projections.queries import iso
from projections.tables import subscriptions, webhook_cursors, webhook_deliveries

s, c, d = subscriptions.c, webhook_cursors.c, webhook_deliveries.c
SUBSCRIPTION_COLUMNS = (*subscriptions.columns, c.position, c.attempts, c.next_attempt_at)


def _subscription(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "filters": row.filters,
        "status": row.status,
        "disabled_reason": row.disabled_reason,
        "created_at": iso(row.created_at),
        "delivered_through": row.position if row.position is not None else row.start_after,
        "failed_attempts": row.attempts or 0,
        "next_attempt_at": iso(row.next_attempt_at) if row.next_attempt_at else None,
        "version": row.version,
    }


def _joined() -> Any:
    return select(*SUBSCRIPTION_COLUMNS).select_from(
        subscriptions.outerjoin(webhook_cursors, c.subscription_id == s.id)
    )


async def own_subscriptions(
    conn: AsyncConnection, owner: str, *, after: str = "", limit: int = 50
) -> dict[str, Any]:
    """The owner's subscriptions (not deleted), oldest first, a page at a time by id."""
    rows = (
        await conn.execute(
            _joined()
            .where(s.owner == owner, s.status != "deleted", s.id > after)
            .order_by(s.id)
            .limit(limit + 1)
        )
    ).all()
    items = [_subscription(r) for r in rows[:limit]]
    return {"items": items, "next": items[-1]["id"] if len(rows) > limit else None}


async def own_subscription(
    conn: AsyncConnection, owner: str, subscription_id: str
) -> dict[str, Any]:
    """One of the owner's subscriptions (NotFound for another's)."""
    row = (
        await conn.execute(_joined().where(s.id == subscription_id, s.owner == owner))
    ).one_or_none()
    if row is None:
        raise NotFound(f"no subscription {subscription_id}")
    return _subscription(row)


async def deliveries(
    conn: AsyncConnection, owner: str, subscription_id: str, *, before: int = 0, limit: int = 50
) -> dict[str, Any]:
    """The subscription's delivery log, newest attempt first, a page at a time."""
    await own_subscription(conn, owner, subscription_id)
    query = select(webhook_deliveries).where(d.subscription_id == subscription_id)
    if before:
        query = query.where(d.id < before)
    rows = (await conn.execute(query.order_by(d.id.desc()).limit(limit + 1))).all()
    items = [
        {
            "id": r.id,
            "position": r.position,
            "webhook_id": r.webhook_id,
            "attempt": r.attempt,
            "status_code": r.status_code,
            "error": r.error,
            "latency_ms": r.latency_ms,
            "attempted_at": iso(r.attempted_at),
            "next_attempt_at": iso(r.next_attempt_at) if r.next_attempt_at else None,
        }
        for r in rows[:limit]
    ]
    return {"items": items, "next": items[-1]["id"] if len(rows) > limit else None}

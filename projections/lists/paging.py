"""One page of any list's Select: its items and how many match in all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def page(
    conn: AsyncConnection,
    query: Select[Any],
    item: Callable[[Row[Any]], dict[str, Any]],
    *,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """The items from `offset` (at most `limit`) in the query's order, and the total."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = int(await conn.scalar(counted) or 0)
    if offset >= total:
        return [], total
    rows = await conn.execute(query.limit(limit).offset(offset))
    return [item(row) for row in rows], total

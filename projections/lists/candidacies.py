"""The candidacies list: by enterprise, scheme and status (as a reader sees it), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.category_names import named
from projections.lists.timed import masked, timed
from projections.queries import title_fields
from projections.tables import candidacies

c = candidacies.c
# Before these statuses a candidacy has no rank or score.
UNRANKED = frozenset({"entered", "evaluated", "excluded", "not_ranked"})


def candidacies_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    credit_code: str | None = None,
    scheme_id: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    """Candidacies matching every filter given, newest entered first (ties by id)."""
    t = timed(candidacies, now=now, as_of=as_of, displayed=True)
    query = select(candidacies, t.status.label("shown_status")).select_from(t.source)
    if credit_code is not None:
        query = query.where(c.credit_code == credit_code)
    if scheme_id is not None:
        query = query.where(c.scheme_id == scheme_id)
    if status is not None:
        query = query.where(t.status_is(status))
    return named(query, c.category).order_by(c.entered_at.desc(), c.id)


def candidacy_item(row: Row[Any], as_of: datetime | None = None) -> dict[str, Any]:
    """One candidacy in the shape of a title (`/v1/leaders`), with when it was entered;
    at `as_of`, without the rank, score and award it had not yet had."""
    status = str(row.shown_status)
    ranked = not (as_of is not None and status in UNRANKED)
    awarded_at = masked(as_of, row.awarded_at)
    item = title_fields(row)
    item.update(
        status=status,
        rank=row.rank if ranked else None,
        score=row.score if ranked else None,
        awarded_at=awarded_at,
        valid_until=awarded_at and masked(None, row.valid_until),
        entered_at=row.entered_at.isoformat(),
    )
    return item


async def next_expiry(conn: AsyncConnection, now: datetime) -> datetime | None:
    """The first moment after `now` a title's validity ends: until then no candidacy's
    status changes by the clock alone."""
    found: datetime | None = await conn.scalar(
        select(func.min(c.valid_until)).where(c.valid_until > now)
    )
    return found

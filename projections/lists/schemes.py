"""The schemes list: by body, category, cycle, level, region and status, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from projections.lists.timed import masked, timed
from projections.tables import schemes

s = schemes.c


def schemes_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    body_id: str | None = None,
    category: str | None = None,
    cycle: int | None = None,
    level: str | None = None,
    region: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    """Schemes matching every filter given, newest drafted first (ties by id)."""
    t = timed(schemes, now=now, as_of=as_of, displayed=False)
    query = select(schemes, t.status.label("shown_status")).select_from(t.source)
    for column, value in (
        (s.body_id, body_id),
        (s.category, category),
        (s.cycle, cycle),
        (s.level, level),
        (s.region, region),
    ):
        if value is not None:
            query = query.where(column == value)
    if status is not None:
        query = query.where(t.status_is(status))
    return query.order_by(s.drafted_at.desc(), s.id)


def scheme_item(row: Row[Any], as_of: datetime | None = None) -> dict[str, Any]:
    """One scheme as listed (its indicators and ranking are on its own pages); at `as_of`,
    without the review, ranking and award it had not yet had."""
    ranked_at, awarded_at = masked(as_of, row.ranked_at), masked(as_of, row.awarded_at)
    return {
        "id": row.id,
        "body_id": row.body_id,
        "title": row.title,
        "category": row.category,
        "cycle": row.cycle,
        "level": row.level,
        "region": row.region,
        "status": row.shown_status,
        "top_n": row.top_n,
        "top_share": row.top_share,
        "publicity_days": row.publicity_days,
        "validity_days": row.validity_days,
        "drafted_at": row.drafted_at.isoformat(),
        "reviewed_at": masked(as_of, row.reviewed_at),
        "ranked_at": ranked_at,
        "publicity_ends_at": ranked_at and masked(None, row.publicity_ends_at),
        "awarded_at": awarded_at,
        "valid_until": awarded_at and masked(None, row.valid_until),
    }

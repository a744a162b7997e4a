"""The regulator's desk: the complaints about titles on lists within its jurisdiction, by
status, grounds, region and age, those left open too long flagged as overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.complaint import OPEN_STATUSES
from domain.jurisdiction import jurisdiction_prefix
from projections.lists.paging import page
from projections.tables import candidacies, complaints

k, c = complaints.c, candidacies.c


def _within(region: str) -> ColumnElement[bool] | None:
    """Lists of `region` or below (None: every list). Region codes are digits: nothing
    in a prefix needs escaping."""
    prefix = jurisdiction_prefix(region)
    return c.scheme_region.startswith(prefix) if prefix else None


def desk_select(
    *,
    jurisdiction: str,
    now: datetime,
    overdue_after: timedelta,
    status: str | None = None,
    grounds: str | None = None,
    region: str | None = None,
    older_than_days: int | None = None,
    overdue: bool | None = None,
) -> Select[Any]:
    """The complaints in `jurisdiction` matching every filter given, oldest filed first."""
    query = select(
        k.id,
        k.candidacy_id,
        k.complainant_kind,
        k.grounds,
        k.status,
        k.filed_at,
        k.investigated_at,
        k.answered_at,
        k.decided_at,
        c.scheme_id,
        c.scheme_region,
        c.credit_code,
        c.enterprise_name,
    ).select_from(complaints.join(candidacies, c.id == k.candidacy_id))
    for area in (jurisdiction, region):
        if area is not None and (within := _within(area)) is not None:
            query = query.where(within)
    if status is not None:
        query = query.where(k.status == status)
    if grounds is not None:
        query = query.where(k.grounds == grounds)
    if older_than_days is not None:
        query = query.where(k.filed_at <= now - timedelta(days=older_than_days))
    late = k.status.in_(sorted(OPEN_STATUSES)) & (k.filed_at <= now - overdue_after)
    if overdue is not None:
        query = query.where(late if overdue else ~late)
    return query.order_by(k.filed_at, k.id)


def desk_item(row: Row[Any], *, now: datetime, overdue_after: timedelta) -> dict[str, Any]:
    """One complaint as the desk lists it, with its age and whether it is overdue."""
    age = now - row.filed_at
    return {
        "id": row.id,
        "candidacy_id": row.candidacy_id,
        "scheme_id": row.scheme_id,
        "region": row.scheme_region,
        "enterprise": {"credit_code": row.credit_code, "name": row.enterprise_name},
        "complainant_kind": row.complainant_kind,
        "grounds": row.grounds,
        "status": row.status,
        "filed_at": row.filed_at.isoformat(),
        "age_days": age.days,
        "overdue": row.status in OPEN_STATUSES and age >= overdue_after,
        "investigated_at": _iso(row.investigated_at),
        "answered_at": _iso(row.answered_at),
        "decided_at": _iso(row.decided_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def desk_page(
    conn: AsyncConnection,
    *,
    jurisdiction: str,
    now: datetime,
    overdue_days: int,
    limit: int,
    offset: int,
    **filters: Any,
) -> dict[str, Any]:
    """One page of the desk's queue, and the settings it was read with."""
    after = timedelta(days=overdue_days)
    query = desk_select(jurisdiction=jurisdiction, now=now, overdue_after=after, **filters)
    items, total = await page(
        conn,
        query,
        lambda row: desk_item(row, now=now, overdue_after=after),
        limit=limit,
        offset=offset,
    )
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "jurisdiction": jurisdiction,
        "overdue_after_days": overdue_days,
        "as_of": now.isoformat(),
    }

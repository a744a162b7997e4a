"""The regulator's desk: the complaints and public reports within its jurisdiction, by kind,
status, grounds, region and age, those left open too long flagged as overdue.

A complaint's region is that of the list its title is on; a report's, that of the reported
leader's list, or for a report about an enterprise the region its credit code was registered
in (`domain.jurisdiction.credit_code_region`, kept in the report's row).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.complaint import OPEN_STATUSES as OPEN_COMPLAINTS
from domain.jurisdiction import jurisdiction_prefix
from domain.report import OPEN_STATUSES as OPEN_REPORTS
from domain.report import TargetKind
from projections.lists.paging import page
from projections.queries import iso
from projections.tables import TS, candidacies, complaints, enterprises, reports

k, c, r, e = complaints.c, candidacies.c, reports.c, enterprises.c
OPEN = sorted(OPEN_COMPLAINTS | OPEN_REPORTS)
COMPLAINT, REPORT = "complaint", "report"


def _queue() -> Any:
    """Complaints and reports as one table of the same columns (a subquery)."""
    about_enterprise = r.target_kind == TargetKind.ENTERPRISE.value
    filed = select(
        literal(COMPLAINT).label("kind"),
        k.id,
        k.candidacy_id,
        c.scheme_id,
        c.scheme_region.label("region"),
        c.credit_code,
        c.enterprise_name,
        k.complainant_kind,
        k.grounds,
        k.description,
        k.status,
        k.filed_at,
        k.investigated_at,
        k.answered_at,
        k.decided_at,
        k.report_id,
        type_coerce(null(), String).label("complaint_id"),
    ).select_from(complaints.join(candidacies, c.id == k.candidacy_id))
    reported = select(
        literal(REPORT).label("kind"),
        r.id,
        r.candidacy_id,
        c.scheme_id,
        func.coalesce(r.region, c.scheme_region),
        case((about_enterprise, r.target), else_=c.credit_code),
        func.coalesce(c.enterprise_name, e.name),
        type_coerce(null(), String),
        r.grounds,
        r.description,
        r.status,
        r.received_at,
        type_coerce(null(), TS),
        type_coerce(null(), TS),
        r.dealt_at,
        type_coerce(null(), String),
        r.complaint_id,
    ).select_from(
        reports.outerjoin(candidacies, c.id == r.candidacy_id).outerjoin(
            enterprises, and_(about_enterprise, e.credit_code == r.target)
        )
    )
    return union_all(filed, reported).subquery("queue")


def _within(column: Any, region: str) -> ColumnElement[bool] | None:
    """Regions `region` covers (None: all). Region codes are digits: nothing to escape."""
    prefix = jurisdiction_prefix(region)
    return column.startswith(prefix) if prefix else None


def desk_select(
    *,
    jurisdiction: str,
    now: datetime,
    overdue_after: timedelta,
    kind: str | None = None,
    status: str | None = None,
    grounds: str | None = None,
    region: str | None = None,
    older_than_days: int | None = None,
    overdue: bool | None = None,
) -> Select[Any]:
    """What lies within `jurisdiction` and matches every filter given, oldest first."""
    q = _queue()
    query = select(q)
    for area in (jurisdiction, region):
        if area is not None and (within := _within(q.c.region, area)) is not None:
            query = query.where(within)
    if kind is not None:
        query = query.where(q.c.kind == kind)
    if status is not None:
        query = query.where(q.c.status == status)
    if grounds is not None:
        query = query.where(q.c.grounds == grounds)
    if older_than_days is not None:
        query = query.where(q.c.filed_at <= now - timedelta(days=older_than_days))
    late = q.c.status.in_(OPEN) & (q.c.filed_at <= now - overdue_after)
    if overdue is not None:
        query = query.where(late if overdue else ~late)
    return query.order_by(q.c.filed_at, q.c.id)


def desk_item(row: Row[Any], *, now: datetime, overdue_after: timedelta) -> dict[str, Any]:
    """One complaint or report as the desk lists it, with its age and whether overdue."""
    age = now - row.filed_at
    return {
        "kind": row.kind,
        "id": row.id,
        "candidacy_id": row.candidacy_id,
        "scheme_id": row.scheme_id,
        "region": row.region,
        "enterprise": {"credit_code": row.credit_code, "name": row.enterprise_name},
        "complainant_kind": row.complainant_kind,
        "grounds": row.grounds,
        "description": row.description,
        "status": row.status,
        "filed_at": row.filed_at.isoformat(),
        "age_days": age.days,
        "overdue": row.status in OPEN and age >= overdue_after,
        "investigated_at": iso(row.investigated_at),
        "answered_at": iso(row.answered_at),
        "decided_at": iso(row.decided_at),
        "report_id": row.report_id,
        "complaint_id": row.complaint_id,
    }


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

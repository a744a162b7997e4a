"""Read queries for the public API: plain dicts from the read models (async SQLAlchemy)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Table, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.body_changes import suspension
from projections.category_names import category_of, named, names_of
from projections.tables import (
    bodies,
    candidacies,
    complaints,
    declarations,
    events,
    schemes,
)

c = candidacies.c
# A candidacy's declared values, its values and its score's breakdown: not in a title item.
UNSHOWN = frozenset({"declared", "values", "breakdown"})


def display_status(row: Any, now: datetime) -> str:
    """The status a reader should see now, even before the sweeper records an expiry."""
    if row.status == "awarded" and row.valid_until is not None and row.valid_until <= now:
        return "expired"
    if row.status in ("awarded", "publicised") and row.open_complaints > 0:
        return "under_complaint"
    return str(row.status)


def iso(value: datetime | None) -> str | None:
    """A stored moment as ISO 8601 (None stays None)."""
    return value.isoformat() if value is not None else None


def title_fields(row: Any) -> dict[str, Any]:
    """A candidacy row's title fields, its status as recorded (readers see `_title`'s)."""
    return {
        "candidacy_id": row.id,
        "scheme_id": row.scheme_id,
        "body_id": row.body_id,
        "declaration_id": row.declaration_id,
        "enterprise": {
            "credit_code": row.credit_code,
            "name": row.enterprise_name,
            "region": row.enterprise_region,
        },
        "standard_number": row.standard_number,
        "product": {
            "name": row.product_name,
            "model": row.product_model,
            "category": row.category,
            "category_name": row.category_name,  # select through `named`
        },
        "cycle": row.cycle,
        "level": row.level,
        "region": row.scheme_region,
        "status": str(row.status),
        "rank": row.rank,
        "score": row.score,
        "awarded_at": iso(row.awarded_at),
        "valid_until": iso(row.valid_until),
    }


def _title(row: Any, now: datetime) -> dict[str, Any]:
    item = title_fields(row)
    item["status"] = display_status(row, now)  # in place: the fields keep their order
    return item


def titles() -> Select[Any]:
    """Candidacies with their category's name: the select every title item is read from."""
    return named(select(candidacies), c.category)


def held_at(moment: datetime | ColumnElement[datetime]) -> Any:
    """Titles in force at `moment` (a time or a bound one): awarded, not yet ended or expired."""
    return and_(
        c.awarded_at <= moment,
        c.valid_until > moment,
        or_(c.ended_at.is_(None), c.ended_at > moment),
    )


async def first_title_end(conn: AsyncConnection, now: datetime) -> datetime | None:
    """The first moment after `now` that a title in force now ends by itself (who holds a
    title changes then without an event), or None if no title is in force."""
    ends = (
        await conn.execute(
            select(func.min(c.valid_until), func.min(c.ended_at)).where(held_at(now))
        )
    ).one()
    return min((m for m in ends if m is not None), default=None)


LEADERS_ORDER = (c.category, c.cycle.desc(), c.rank, c.credit_code, c.id)


def _leaders_where(
    moment: datetime,
    category: str | None,
    cycle: int | None,
    level: str | None,
    region: str | None,
    credit_code: str | None,
) -> list[Any]:
    where = [held_at(moment)]
    for column, value in (
        (c.category, category),
        (c.cycle, cycle),
        (c.level, level),
        (c.scheme_region, region),
        (c.credit_code, credit_code),
    ):
        if value is not None:
            where.append(column == value)
    return where


def leaders_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    category: str | None = None,
    cycle: int | None = None,
    level: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
) -> Select[Any]:
    """The titles in force at `as_of` (or `now`) that match the filters, in the pages' order."""
    where = _leaders_where(as_of or now, category, cycle, level, region, credit_code)
    # Not the JSON a title item does not show (a download would decode it on every row).
    listed = [column for column in candidacies.c if column.name not in UNSHOWN]
    return named(select(*listed), c.category).where(*where).order_by(*LEADERS_ORDER)


def leaders_item(row: Any, *, now: datetime, as_of: datetime | None = None) -> dict[str, Any]:
    """One title of the leaders list (`as_of`: as the list stood then, so `awarded`)."""
    item = _title(row, now)
    if as_of is not None:
        item["status"] = "awarded"
    return item


async def leaders(
    conn: AsyncConnection,
    *,
    now: datetime,
    as_of: datetime | None = None,
    category: str | None = None,
    cycle: int | None = None,
    level: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    page, _ = await leaders_page(
        conn,
        now=now,
        as_of=as_of,
        category=category,
        cycle=cycle,
        level=level,
        region=region,
        credit_code=credit_code,
        limit=limit,
        offset=offset,
    )
    return page


async def leaders_page(
    conn: AsyncConnection,
    *,
    now: datetime,
    as_of: datetime | None = None,
    category: str | None = None,
    cycle: int | None = None,
    level: str | None = None,
    region: str | None = None,
    credit_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[dict[str, Any], datetime | None]:
    """The page, and until when it holds without new events: the first moment a listed
    title (on this page or another) ends. None when it depends on the events alone (`as_of`).

    Titles are never awarded in the future (`awarded_at` is the award's event time), so
    nothing joins the list by the clock alone."""
    moment = as_of or now
    where = _leaders_where(moment, category, cycle, level, region, credit_code)
    counted = (
        await conn.execute(
            select(func.count(), func.min(c.valid_until), func.min(c.ended_at))
            .select_from(candidacies)
            .where(*where)
        )
    ).one()
    total, first_expiry, first_end = counted
    query = titles().where(*where).order_by(*LEADERS_ORDER)
    rows = await conn.execute(query.limit(limit).offset(offset))
    items = [leaders_item(r, now=now, as_of=as_of) for r in rows]
    fresh_until = None
    if as_of is None:
        ends = [m for m in (first_expiry, first_end) if m is not None]
        fresh_until = min(ends, default=None)
    # `as_of` last: the read cache restamps a current page's moment (service/cache.py).
    page = {
        "items": items,
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
        "as_of": moment.isoformat(),
    }
    return page, fresh_until


async def _one(conn: AsyncConnection, table: Table, key: str) -> Row[Any] | None:
    return (await conn.execute(select(table).where(table.c.id == key))).first()


async def candidacy(
    conn: AsyncConnection, candidacy_id: str, *, now: datetime
) -> dict[str, Any] | None:
    row = (await conn.execute(titles().where(c.id == candidacy_id))).first()
    if row is None:
        return None
    found = await conn.execute(
        select(complaints.c.id, complaints.c.status, complaints.c.grounds)
        .where(complaints.c.candidacy_id == candidacy_id)
        .order_by(complaints.c.filed_at)
    )
    result = _title(row, now)
    result.update(
        is_leader=display_status(row, now) in ("awarded", "under_complaint")
        and row.status == "awarded",
        recorded_status=row.status,
        declared=row.declared,
        values=row.values,
        exclusion_reason=row.exclusion_reason or None,
        qualified=row.qualified,
        breakdown=row.breakdown,
        publicity_ends_at=iso(row.publicity_ends_at),
        ended_at=iso(row.ended_at),
        end_reason=row.end_reason or None,
        ended_by=(
            {"role": row.ended_by_role, "subject": row.ended_by_subject}
            if row.ended_by_role
            else None
        ),
        open_complaints=row.open_complaints,
        complaints=[dict(r._mapping) for r in found],
        entered_at=iso(row.entered_at),
        version=row.version,
    )
    return result


def _plain_row(row: Row[Any]) -> dict[str, Any]:
    return {k: (iso(v) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}


async def scheme(conn: AsyncConnection, scheme_id: str) -> dict[str, Any] | None:
    row = await _one(conn, schemes, scheme_id)
    return _plain_row(row) if row is not None else None


async def ranking(conn: AsyncConnection, scheme_id: str, *, now: datetime) -> dict[str, Any] | None:
    row = await _one(conn, schemes, scheme_id)
    if row is None:
        return None
    ranked, unranked = [], []
    rows = await conn.execute(
        titles().where(c.scheme_id == scheme_id).order_by(c.rank, c.credit_code, c.id)
    )
    for r in rows:
        if r.rank is not None:
            entry = _title(r, now)
            entry.update(qualified=r.qualified, breakdown=r.breakdown)
            ranked.append(entry)
        elif r.status in ("excluded", "not_ranked"):
            entry = _title(r, now)
            entry["reason"] = r.exclusion_reason
            unranked.append(entry)
    return {
        "scheme": _plain_row(row),
        "published": row.ranked_at is not None,
        "entries": ranked,
        "not_ranked": unranked,
    }


async def complaint(conn: AsyncConnection, complaint_id: str) -> dict[str, Any] | None:
    row = await _one(conn, complaints, complaint_id)
    return _plain_row(row) if row is not None else None


async def declaration(conn: AsyncConnection, declaration_id: str) -> dict[str, Any] | None:
    row = await _one(conn, declarations, declaration_id)
    return _plain_row(row) if row is not None else None


async def body(conn: AsyncConnection, body_id: str) -> dict[str, Any] | None:
    """A body, its changes and, while suspended, its suspension's reason."""
    row = await _one(conn, bodies, body_id)
    if row is None:
        return None
    found = _plain_row(row)
    found["changes"] = list(row.changes or [])
    return {**found, **suspension(found["changes"], row.status)}


def _event(row: Row[Any], names: dict[str, str]) -> dict[str, Any]:
    category = category_of(row.data)
    return {
        "position": row.position,
        "type": row.event_type,
        "aggregate_type": row.aggregate_type,
        "aggregate_id": row.aggregate_id,
        "aggregate_version": row.aggregate_version,
        "timestamp": iso(row.timestamp),
        "actor": {
            "role": row.actor_role,
            "subject": row.actor_subject,
            "credential_id": row.actor_credential_id,
            "request_id": row.request_id,
        },
        "credit_code": row.credit_code,
        "candidacy_id": row.candidacy_id,
        "data": row.data,
        # The name of the category the event concerns (a declaration's, a scheme's...).
        "category_name": names.get(category) if category else None,
    }


async def _events(
    conn: AsyncConnection, *where: Any, after: int, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(events)
        .where(events.c.position > after, *where)
        .order_by(events.c.position)
        .limit(limit)
    )
    return await event_items(conn, rows.all())


async def event_items(conn: AsyncConnection, found: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    """`events` rows as items of the feed, each with its category's name."""
    names = await names_of(conn, filter(None, (category_of(r.data) for r in found)))
    return [_event(r, names) for r in found]


async def enterprise_history(
    conn: AsyncConnection, credit_code: str, *, after: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    return await _events(conn, events.c.credit_code == credit_code, after=after, limit=limit)


async def candidacy_history(
    conn: AsyncConnection, candidacy_id: str, *, after: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    return await _events(conn, events.c.candidacy_id == candidacy_id, after=after, limit=limit)


async def feed(
    conn: AsyncConnection, *where: Any, after: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    """Public events after `after` meeting every clause of `where`, in log order."""
    return await _events(conn, *where, after=after, limit=limit)


def title_item(row: Any, now: datetime) -> dict[str, Any]:
    """A candidacy row as a title item (the leaders list's, a ranking's, an enterprise's)."""
    return _title(row, now)

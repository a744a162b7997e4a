"""Enterprises: the list (a Select and an item mapping, see docs) and one enterprise's page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections import as_of as periods
from projections.queries import held_at, iso, title_item, titles
from projections.tables import candidacies, declarations, enterprise_names, enterprises

e = enterprises.c
n = enterprise_names.c
d = declarations.c
c = candidacies.c
# An enterprise's page shows its latest declarations (the list of them all is paged).
MAX_DECLARATIONS = 200


def enterprise_select(
    *, now: datetime, region: str | None = None, has_title_in_force: bool | None = None
) -> Select[Any]:
    """Enterprises matching the filters, in credit-code order (no limit, no offset)."""
    query = select(enterprises)
    if region is not None:
        query = query.where(e.region == region)
    if has_title_in_force is not None:
        held = exists().where(c.credit_code == e.credit_code, held_at(now))
        query = query.where(held if has_title_in_force else ~held)
    return query.order_by(e.credit_code)


def enterprise_item(row: Any) -> dict[str, Any]:
    """One enterprise of the list: its current name and region, and its declarations' span."""
    return {
        "credit_code": row.credit_code,
        "name": row.name,
        "region": row.region,
        "declarations": row.declarations,
        "first_declared_at": iso(row.first_declared_at),
        "last_declared_at": iso(row.last_declared_at),
    }


async def enterprises_page(
    conn: AsyncConnection,
    *,
    now: datetime,
    region: str | None = None,
    has_title_in_force: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of the enterprises, and how many match in all."""
    query = enterprise_select(now=now, region=region, has_title_in_force=has_title_in_force)
    total = await conn.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await conn.execute(query.limit(limit).offset(offset))
    return {
        "items": [enterprise_item(r) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
    }


async def _names(conn: AsyncConnection, credit_code: str, moment: datetime) -> list[dict[str, Any]]:
    """Each name declared under by `moment`, with its first and last use, oldest first."""
    rows = await conn.execute(
        select(
            n.name,
            func.count().label("declarations"),
            func.min(n.position).label("first_position"),
            func.max(n.position).label("last_position"),
            func.min(n.declared_at).label("first_used_at"),
            func.max(n.declared_at).label("last_used_at"),
        )
        .where(n.credit_code == credit_code, n.declared_at <= moment)
        .group_by(n.name)
        .order_by(func.min(n.position))
    )
    return [
        {
            "name": r.name,
            "declarations": r.declarations,
            "first_used_at": iso(r.first_used_at),
            "first_position": r.first_position,
            "last_used_at": iso(r.last_used_at),
            "last_position": r.last_position,
        }
        for r in rows
    ]


def _declaration(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "standard_number": row.standard_number,
        "title": row.title,
        "product": {"name": row.product_name, "model": row.product_model, "category": row.category},
        "revision": row.revision,
        "status": getattr(row, "status_then", row.status),
        "declared_at": iso(row.declared_at),
    }


async def enterprise(
    conn: AsyncConnection, credit_code: str, *, now: datetime, as_of: datetime | None = None
) -> dict[str, Any] | None:
    """One enterprise now (or as it stood at `as_of`): None if it had not declared by then."""
    moment = as_of or now
    latest = (
        await conn.execute(
            select(n.name, n.region)
            .where(n.credit_code == credit_code, n.declared_at <= moment)
            .order_by(n.position.desc())
            .limit(1)
        )
    ).first()
    if latest is None:
        return None
    existed = (d.credit_code == credit_code, d.declared_at <= moment)
    count = await conn.scalar(select(func.count()).select_from(declarations).where(*existed))
    if as_of is None:
        query = select(declarations)
    else:  # each with the status it held then
        period, joined = periods.period_join(d.id, as_of)
        query = select(declarations, period.c.status.label("status_then"))
        query = query.select_from(declarations.join(period, joined))
    query = query.where(*existed).order_by(d.declared_at.desc(), d.id).limit(MAX_DECLARATIONS)
    declared = await conn.execute(query)
    found = await conn.execute(
        titles()
        .where(c.credit_code == credit_code, held_at(moment))
        .order_by(c.category, c.cycle.desc(), c.rank, c.id)
    )
    held = [title_item(r, now) for r in found]
    if as_of is not None:
        for item in held:  # as it stood then (see `queries.leaders_page`)
            item["status"] = "awarded"
    return {
        "credit_code": credit_code,
        "name": latest.name,
        "region": latest.region,
        "names": await _names(conn, credit_code, moment),
        "declarations": [_declaration(r) for r in declared],
        "declarations_total": int(count or 0),
        "titles_in_force": held,
        "as_of": moment.isoformat(),
    }

"""The notice board (公示): publicity windows open now, revocations, expiries,
supersessions and titles ended by a withdrawn standard, newest first, read from the
`candidacies` read model (and its scheme)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.category_names import named
from projections.lists.paging import page
from projections.queries import UNSHOWN, c, iso
from projections.tables import candidacies, schemes


class NoticeKind(StrEnum):
    """What a notice announces."""

    PUBLICITY = "publicity"  # a qualified entry publicised, objections open until a date
    REVOCATION = "revocation"
    EXPIRY = "expiry"
    SUPERSESSION = "supersession"
    WITHDRAWAL = "withdrawal"  # the enterprise withdrew the standard: the title ended (rule 18)


def _conditions(now: datetime) -> dict[NoticeKind, ColumnElement[bool]]:
    """Each kind's candidacies at `now`. A title past its validity is an expiry even before
    the sweeper records it (as `queries.display_status` shows it)."""
    return {
        NoticeKind.PUBLICITY: and_(c.status == "publicised", c.publicity_ends_at > now),
        NoticeKind.REVOCATION: c.status == "revoked",
        NoticeKind.EXPIRY: or_(
            c.status == "expired", and_(c.status == "awarded", c.valid_until <= now)
        ),
        NoticeKind.SUPERSESSION: c.status == "superseded",
        NoticeKind.WITHDRAWAL: c.status == "withdrawn",
    }


def notices_select(*, now: datetime, kind: NoticeKind | None = None) -> Select[Any]:
    """The notices of `kind` (or of every kind), newest first (ties by candidacy id)."""
    conditions = _conditions(now)
    wanted = [kind] if kind is not None else list(NoticeKind)
    # When the notice was given: the window opened with the ranking; a title ended.
    at = case(
        (c.status == "publicised", schemes.c.ranked_at),
        else_=func.coalesce(c.ended_at, c.valid_until),
    )
    label = case(
        (conditions[NoticeKind.PUBLICITY], NoticeKind.PUBLICITY.value),
        (c.status == "revoked", NoticeKind.REVOCATION.value),
        (c.status == "superseded", NoticeKind.SUPERSESSION.value),
        (c.status == "withdrawn", NoticeKind.WITHDRAWAL.value),
        else_=NoticeKind.EXPIRY.value,  # the rows left: the where clause keeps no other
    )
    # Not the JSON a notice does not show (the evaluation's values, the score's breakdown).
    listed = [column for column in candidacies.c if column.name not in UNSHOWN]
    query = named(select(*listed), c.category).add_columns(
        schemes.c.title.label("scheme_title"), at.label("noticed_at"), label.label("kind")
    )
    query = query.join(schemes, schemes.c.id == c.scheme_id)
    return query.where(or_(*(conditions[k] for k in wanted))).order_by(at.desc(), c.id)


def notice_item(row: Any) -> dict[str, Any]:
    """One notice: what it announces, when, about which title, and why."""
    kind = NoticeKind(row.kind)
    ended = kind in (NoticeKind.REVOCATION, NoticeKind.SUPERSESSION, NoticeKind.WITHDRAWAL)
    return {
        "kind": kind.value,
        "at": iso(row.noticed_at),
        "candidacy_id": row.id,
        "scheme_id": row.scheme_id,
        "scheme_title": row.scheme_title,
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
            "category_name": row.category_name,
        },
        "cycle": row.cycle,
        "level": row.level,
        "rank": row.rank,
        "publicity_ends_at": iso(row.publicity_ends_at) if kind is NoticeKind.PUBLICITY else None,
        "valid_until": iso(row.valid_until),
        "reason": (row.end_reason or None) if ended else None,
        "decided_by": (
            {"role": row.ended_by_role, "subject": row.ended_by_subject}
            if kind is NoticeKind.REVOCATION and row.ended_by_role
            else None
        ),
    }


async def _changes_at(conn: AsyncConnection, now: datetime) -> datetime | None:
    """The next moment the board changes by the clock alone: a window closes, or a title
    in force reaches the end of its validity."""
    ends = (
        await conn.execute(
            select(
                select(func.min(c.publicity_ends_at))
                .where(c.status == "publicised", c.publicity_ends_at > now)
                .scalar_subquery(),
                select(func.min(c.valid_until))
                .where(c.status == "awarded", c.valid_until > now)
                .scalar_subquery(),
            )
        )
    ).one()
    return min((m for m in ends if m is not None), default=None)


async def notices_page(
    conn: AsyncConnection,
    *,
    now: datetime,
    kind: NoticeKind | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[dict[str, Any], datetime | None]:
    """One page of the notices and the total, and until when it holds without new events."""
    items, total = await page(
        conn, notices_select(now=now, kind=kind), notice_item, limit=limit, offset=offset
    )
    found = {"items": items, "total": total, "limit": limit, "offset": offset}
    return {**found, "as_of": now.isoformat()}, await _changes_at(conn, now)

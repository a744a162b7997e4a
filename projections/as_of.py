"""The registry as it stood at a moment: a record's period then, and its status then.

A record existed at M when one of its periods (`status_history`) covers M: it began at or
before M and had not ended by M. Its status at M is that period's status as a reader saw it
at M, by the rule the current reads use (`projections.queries.display_status`): a title
past its validity at M is `expired` even before the sweeper recorded it, and a title or a
publicised candidacy with a complaint open at M is `under_complaint`.

For the lists: `period_join` joins a record table to its period at M (or to its open period
when M is None), `shown_status` is the status column to answer and `status_is` the filter.
The last two take any columns named `status`, `open_complaints` and `valid_until` (a
period, or the `candidacies` table for the current state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, case, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.queries import display_status
from projections.tables import status_history

h = status_history.c
TITLE_STATUSES = ("awarded", "publicised")  # those a complaint shows on


def covers(period: Any, moment: datetime) -> ColumnElement[bool]:
    """The period (columns of `status_history` or an alias) was the one in force at M."""
    return and_(period.began_at <= moment, or_(period.ended_at.is_(None), period.ended_at > moment))


def period_join(record_id: Any, moment: datetime | None) -> tuple[FromClause, Any]:
    """An alias of `status_history` and the clause joining `record_id` to its period at M
    (its open period if M is None): an inner join keeps only records that existed at M."""
    period = status_history.alias("period")
    if moment is None:
        return period, period.c.period_id == record_id
    return period, and_(period.c.record_id == record_id, covers(period.c, moment))


def _past_validity(cols: Any, moment: datetime) -> ColumnElement[bool]:
    return and_(cols.status == "awarded", cols.valid_until.is_not(None), cols.valid_until <= moment)


def shown_status(cols: Any, moment: datetime) -> ColumnElement[str]:
    """The status a reader saw at M (the SQL twin of `display_status`)."""
    return case(
        (_past_validity(cols, moment), "expired"),
        (
            and_(cols.status.in_(TITLE_STATUSES), cols.open_complaints > 0),
            "under_complaint",
        ),
        else_=cols.status,
    )


def status_is(cols: Any, status: str, moment: datetime) -> ColumnElement[bool]:
    """Whether the status a reader saw at M was `status`, as plain conditions an index on
    `status` can serve."""
    past = _past_validity(cols, moment)
    if status == "expired":
        return or_(cols.status == "expired", past)
    complained = and_(cols.status.in_(TITLE_STATUSES), cols.open_complaints > 0)
    if status == "under_complaint":
        return and_(complained, not_(past))
    if status in TITLE_STATUSES:
        return and_(cols.status == status, cols.open_complaints == 0, not_(past))
    return cols.status == status  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Period:
    """One status a record held: from when (moment and log position) until when."""

    status: str  # as a reader saw it at the moment asked
    recorded_status: str  # as the events recorded it
    began_at: datetime
    began_position: int
    ended_at: datetime | None
    ended_position: int | None


def _period(row: Any, moment: datetime) -> Period:
    return Period(
        status=display_status(row, moment),
        recorded_status=row.status,
        began_at=row.began_at,
        began_position=row.began_position,
        ended_at=row.ended_at,
        ended_position=row.ended_position,
    )


async def period_at(conn: AsyncConnection, record_id: str, moment: datetime) -> Period | None:
    """The record's period at M, its status as seen at M; None if it did not exist then."""
    row = (
        await conn.execute(
            select(status_history)
            .where(h.record_id == record_id, covers(h, moment))
            .order_by(h.began_position.desc())
            .limit(1)
        )
    ).first()
    return _period(row, moment) if row is not None else None


async def status_at(conn: AsyncConnection, record_id: str, moment: datetime) -> str | None:
    """The status of a record at M as a reader saw it then; None if it did not exist then."""
    period = await period_at(conn, record_id, moment)
    return period.status if period is not None else None


async def periods(conn: AsyncConnection, record_id: str, now: datetime) -> list[Period]:
    """Every status the record held, oldest first: each as seen when it began, the open
    one as seen `now`."""
    rows = await conn.execute(
        select(status_history).where(h.record_id == record_id).order_by(h.began_position)
    )
    return [_period(row, now if row.ended_at is None else row.began_at) for row in rows]

"""A list's records and their status now, or as the registry stood at `as_of`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Table

from projections.as_of import period_join, shown_status, status_is


@dataclass(frozen=True)
class Timed:
    """What a list selects from, its status column and how to filter on that status."""

    source: FromClause
    status: ColumnElement[str]
    cols: Any  # the columns the status derives from; None: the status column alone
    moment: datetime

    def status_is(self, status: str) -> ColumnElement[bool]:
        if self.cols is None:
            return self.status == status
        return status_is(self.cols, status, self.moment)


def timed(table: Table, *, now: datetime, as_of: datetime | None, displayed: bool) -> Timed:
    """Now: the table's own status (for a candidacy, as a reader sees it now). At `as_of`:
    only the records that existed then (joined to their period), with their status then."""
    if as_of is not None:
        period, on = period_join(table.c.id, as_of)
        return Timed(table.join(period, on), shown_status(period.c, as_of), period.c, as_of)
    if displayed:
        return Timed(table, shown_status(table.c, now), table.c, now)
    return Timed(table, table.c.status, None, now)


def masked(moment: datetime | None, value: datetime | None) -> str | None:
    """A moment as of `moment`: None when it had not yet come (the record did not say it)."""
    if value is None or (moment is not None and value > moment):
        return None
    return value.isoformat()

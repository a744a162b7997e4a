"""An event filter as SQL over the `events` read model; the same definition as its
in-memory `matches` (`domain.event_filter`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from domain import event_filter
from domain.event_filter import COLUMNS, TooManyFilterValues
from projections.tables import events

__all__ = ["EventFilter", "TooManyFilterValues"]


class EventFilter(event_filter.EventFilter):
    """`domain.event_filter.EventFilter` with its SQL form."""

    def where(self) -> list[ColumnElement[bool]]:
        """Clauses over the `events` table an event must satisfy (none: every event)."""
        return [
            events.c[column].in_(getattr(self, name))
            for name, column in COLUMNS.items()
            if getattr(self, name)
        ]

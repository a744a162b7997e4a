"""A projection: named handlers that turn events into rows, within the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from eventsourcing.utils import resolve_topic
from sqlalchemy import Table

from projections.encoding import event_type
from projections.rows import Rows

Handler = Callable[[Any, Any, Any, int], None]


@lru_cache(maxsize=4096)
def type_name(topic: str) -> str:
    """'Candidacy.Awarded' for a stored event's topic (through any registered topic alias)."""
    return str(resolve_topic(topic).__qualname__)


def on(*event_types: str | type) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these event classes (`Candidacy.Awarded`), or of the
    named event types ('Candidacy.Awarded')."""
    names = tuple(t if isinstance(t, str) else t.__qualname__ for t in event_types)

    def mark(fn: Handler) -> Handler:
        fn.__dict__["handles"] = names
        return fn

    return mark


class Projection:
    """Subclasses declare `name`, `tables` and `@on(...)` methods; unknown events are skipped.

    A projection that sets `uses_rows` gets the batch's `Rows` (bulk writes, see rows.py);
    otherwise its handlers get the transaction's `Connection`. One that sets `reads_stored`
    gets each event as stored rather than decoded.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    uses_rows: ClassVar[bool] = False
    # Handlers get a `Stored` (projections/stored.py) instead of the decoded domain event.
    reads_stored: ClassVar[bool] = False
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._handlers = {}
        for attr in vars(cls).values():
            for handled in getattr(attr, "handles", ()):
                cls._handlers[handled] = attr

    def wants(self, topic: str) -> bool:
        """Whether an event of this topic ('domain.candidacy:Candidacy.Awarded') can change
        the rows: the others need not even be decoded."""
        return type_name(topic) in self._handlers

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        """Before a batch: load in bulk the rows its handlers will read (none by default)."""

    def handle(self, target: Any, event: Any, position: int) -> None:
        """Apply one event through `target`: the batch's `Rows`, or a `Connection`."""
        handler = self._handlers.get(event_type(event))
        if handler is not None:
            handler(self, target, event, position)

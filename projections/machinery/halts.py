"""A projection halted at an event it cannot apply: recorded on its `tracking` row for all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from eventsourcing.utils import TopicError
from sqlalchemy import Connection, select, update

from projections.machinery.base import Projection, type_name
from projections.tables import tracking

MAX_ERROR = 2000  # characters of the error kept: enough to name it, bounded however it reads


@dataclass(frozen=True)
class Halt:
    """Where a projection stopped: the event it cannot apply, and why."""

    projection: str
    position: int  # of the event it cannot apply; its tracking stays just before it
    event_type: str
    error: str
    since: datetime

    def same_failure(self, other: Halt) -> bool:
        """The same event failing the same way (a retry that changed nothing)."""
        return (self.position, self.event_type, self.error) == (
            other.position,
            other.event_type,
            other.error,
        )

    def describe(self) -> dict[str, object]:
        return {
            "position": self.position,
            "event_type": self.event_type,
            "error": self.error,
            "since": self.since.isoformat(),
        }


def storable(text: str) -> str:
    """Text PostgreSQL can store, whatever the error or the event said: no NUL, no lone
    surrogate (escaped), at most MAX_ERROR characters. A halt that cannot be saved would
    fail the follower on every retry."""
    escaped = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode()
    return escaped[:MAX_ERROR]


def error_text(error: BaseException) -> str:
    return storable(f"{type(error).__name__}: {error}")


def new_halt(projection: str, position: int, event_type: str, error: BaseException) -> Halt:
    return Halt(projection, position, storable(event_type), error_text(error), datetime.now(UTC))


def load(conn: Connection) -> dict[str, Halt]:
    """Every halted projection, by name."""
    c = tracking.c
    rows = conn.execute(
        select(c.projection, c.halted_at, c.halted_event, c.halted_error, c.halted_since).where(
            c.halted_at.is_not(None)
        )
    ).all()
    return {
        name: Halt(name, int(at), event or "", error or "", since or datetime.now(UTC))
        for name, at, event, error, since in rows
    }


def save(conn: Connection, halt: Halt) -> None:
    conn.execute(
        update(tracking)
        .where(tracking.c.projection == halt.projection)
        .values(
            halted_at=halt.position,
            halted_event=halt.event_type,
            halted_error=halt.error,
            halted_since=halt.since,
        )
    )


def clear(conn: Connection, projection: str) -> None:
    conn.execute(
        update(tracking)
        .where(tracking.c.projection == projection)
        .values(halted_at=None, halted_event=None, halted_error=None, halted_since=None)
    )


class EventFailed(Exception):
    """A projection's handler raised on one event of a batch (the batch was rolled back)."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"event {index} of the batch: {error}")
        self.index = index
        self.error = error


def event_type_of(topic: str) -> str:
    """'Candidacy.Awarded' for a stored topic, or the topic itself if no class answers to it."""
    try:
        return type_name(topic)
    except TopicError:  # a topic no class answers to is itself what failed
        return topic


def wants(p: Projection, topic: str) -> bool:
    """`p.wants(topic)`, and true for a topic no class answers to."""
    try:
        return p.wants(topic)
    except TopicError:  # no class answers to it: applying it fails, and names it
        return True

"""Follows the event log and feeds the projections, exactly once and resumably.

A projection whose handler raises on an event halts there alone (projections/halts.py): the
others go on, and it is retried with a growing pause until it applies the event (a release
that fixes it needs no manual step). Errors that say a database is unreachable halt nothing:
they reach the caller, which retries the batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Protocol

from eventsourcing.persistence import Notification
from sqlalchemy import Connection, Engine, and_, case, insert, or_, select, update

from projections import halts
from projections.base import Projection
from projections.halts import EventFailed, Halt, event_type_of, wants
from projections.outages import unavailable
from projections.rows import Rows
from projections.stored import Stored, as_read
from projections.tables import tracking
from registry.base import RegistryBase
from registry.log import notifications_after

log = logging.getLogger(__name__)
RETRY_FIRST = 1.0  # seconds before a halted projection is first retried; doubled each time
RETRY_MAX = 60.0


class TrackingConflict(Exception):
    """Another follower advanced a projection first; this batch was rolled back."""


class FollowerObserver(Protocol):
    """Told what each projection applied, and when one failed (the service's metrics)."""

    def applied(self, projection: str, events: int) -> None: ...

    def failed(self, projection: str) -> None: ...


def _isolable(error: Exception) -> bool:
    """Whether the error is the projection's own (not an outage, not another follower)."""
    return not unavailable(error) and not isinstance(error, TrackingConflict)


class Follower:
    """Reads notifications after the tracked positions and applies them in one transaction;
    a projection that cannot apply one of them halts there alone."""

    def __init__(
        self,
        registry: RegistryBase,
        engine: Engine,
        projections: Sequence[Projection],
        batch_size: int = 500,
    ) -> None:
        self.registry = registry
        self.engine = engine
        self.projections = list(projections)
        self.batch_size = batch_size
        self.observer: FollowerObserver | None = None
        self.processed = threading.Condition()
        self.halts: dict[str, Halt] = {}  # replaced, never mutated: other threads read it
        self._retry_at: dict[str, float] = {}  # time.monotonic() of the next retry
        self._pause: dict[str, float] = {}
        self._position = self._load_positions()

    def _load_positions(self) -> dict[str, int]:
        names = {p.name for p in self.projections}
        with self.engine.begin() as conn:
            rows = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
            for p in self.projections:
                if p.name not in rows:
                    conn.execute(insert(tracking).values(projection=p.name, position=0))
                    rows[p.name] = 0
            self.halts = {n: h for n, h in halts.load(conn).items() if n in names}
        return {p.name: int(rows[p.name]) for p in self.projections}

    @property
    def position(self) -> int:
        """The lowest position the projections still running have processed (every
        projection's if all are halted): a halted one does not hold the others' readers."""
        halted = self.halts
        running = [at for name, at in self._position.items() if name not in halted]
        return min(running or self._position.values(), default=0)

    @property
    def positions(self) -> dict[str, int]:
        """Each projection's position, as this follower applied it."""
        return dict(self._position)

    def run_once(self) -> int:
        """Apply the next batch of events; returns how many notifications were read."""
        self._retry_halted()
        running = [p for p in self.projections if p.name not in self.halts]
        if not running:
            return 0
        start = min(self._position[p.name] for p in running)
        notifications = notifications_after(self.registry.recorder, start, self.batch_size)
        if not notifications:
            return 0
        try:
            self._apply(running, notifications)
        except Exception as error:  # isolated: each projection alone, halting the failing one
            if not _isolable(error):
                raise
            for p in running:
                self._isolate(p, notifications)
        return len(notifications)

    def _apply(
        self, projections: Sequence[Projection], notifications: Sequence[Notification]
    ) -> None:
        """Apply a batch to `projections` in one transaction, or raise and apply nothing."""
        last = notifications[-1].id
        moves = {
            p.name: (self._position[p.name], max(self._position[p.name], last)) for p in projections
        }
        with self.engine.begin() as conn:
            # Claim the batch first: the compare-and-set also locks the tracking rows,
            # so a second follower can neither interleave nor apply the same events.
            # A projection may be ahead of this batch (one added later starts at 0).
            self._advance(conn, moves)
            rows = Rows(conn)
            decoded = []
            for index, notification in enumerate(notifications):
                due = [
                    p
                    for p in projections
                    if notification.id > self._position[p.name] and p.wants(notification.topic)
                ]
                if due:  # else no projection reads it: it need not be decoded
                    decoded.append((index, Stored(notification, self.registry.mapper), due))
            for p in projections:
                if p.uses_rows:
                    p.prefetch(rows, [as_read(p, s) for _, s, due in decoded if p in due])
            for index, stored, due in decoded:
                for p in due:
                    try:
                        p.handle(rows if p.uses_rows else conn, as_read(p, stored), stored.position)
                    except Exception as error:  # told apart (and re-raised) by the caller
                        if not _isolable(error):
                            raise
                        raise EventFailed(index, error) from error
            rows.flush()
        with self.processed:
            self._position = {**self._position, **{name: new for name, (_, new) in moves.items()}}
            self.processed.notify_all()
        if self.observer is not None:
            for p in projections:
                self.observer.applied(p.name, sum(p in due for _, _, due in decoded))

    def _applies(self, p: Projection, notifications: Sequence[Notification]) -> bool:
        if not notifications:
            return True
        try:
            self._apply([p], notifications)
        except Exception as error:  # the caller looks for the failing event another way
            if not _isolable(error):
                raise
            return False
        return True

    def _isolate(self, p: Projection, notifications: Sequence[Notification]) -> bool:
        """Apply the batch to `p` alone, halting it at the first event it cannot apply;
        True if it applied the whole batch."""
        try:
            self._apply([p], notifications)
            return True
        except Exception as error:  # found, recorded and logged below
            if not _isolable(error):
                raise
            failure = error
        if isinstance(failure, EventFailed) and self._applies(p, notifications[: failure.index]):
            self._halt(p, notifications[failure.index], failure.error)
            return False
        # It failed writing the batch's rows (or before them): try event by event.
        start = 0
        for index, notification in enumerate(notifications):
            if notification.id <= self._position[p.name] or not wants(p, notification.topic):
                continue
            try:
                self._apply([p], notifications[start : index + 1])
            except Exception as error:  # this event is the one
                if not _isolable(error):
                    raise
                self._applies(p, notifications[start:index])  # up to just before it
                self._halt(
                    p, notification, error.error if isinstance(error, EventFailed) else error
                )
                return False
            start = index + 1
        return self._applies(p, notifications[start:])

    def _halt(self, p: Projection, notification: Notification, error: Exception) -> None:
        halt = halts.new_halt(p.name, notification.id, event_type_of(notification.topic), error)
        if self.observer is not None:
            self.observer.failed(p.name)
        previous = self.halts.get(p.name)
        if previous is not None and previous.same_failure(halt):
            halt = previous  # a retry that changed nothing: said once already
            self._pause[p.name] = min(self._pause.get(p.name, RETRY_FIRST) * 2, RETRY_MAX)
        else:
            log.error(
                "projection %s halted at position %d (%s); the others go on: %s",
                p.name,
                halt.position,
                halt.event_type,
                halt.error,
                exc_info=error,
            )
            with self.engine.begin() as conn:
                halts.save(conn, halt)
            self._pause[p.name] = RETRY_FIRST
        self.halts = {**self.halts, p.name: halt}
        self._retry_at[p.name] = time.monotonic() + self._pause[p.name]

    def _retry_halted(self) -> None:
        """Try each halted projection again once its pause is over; clear the halts that pass."""
        for p in self.projections:
            halt = self.halts.get(p.name)
            if halt is None or time.monotonic() < self._retry_at.get(p.name, 0.0):
                continue
            start = self._position[p.name]
            notifications = notifications_after(self.registry.recorder, start, self.batch_size)
            if notifications and not self._isolate(p, notifications):
                continue
            with self.engine.begin() as conn:
                halts.clear(conn, p.name)
            self.halts = {name: h for name, h in self.halts.items() if name != p.name}
            self._pause.pop(p.name, None)
            log.warning("projection %s resumed past position %d", p.name, halt.position)

    @staticmethod
    def _advance(conn: Connection, moves: dict[str, tuple[int, int]]) -> None:
        # Compare-and-set of every projection in one statement: if another follower moved
        # any of them, roll everything back.
        matching = [
            and_(tracking.c.projection == name, tracking.c.position == old)
            for name, (old, _new) in moves.items()
        ]
        new = case({name: new for name, (_old, new) in moves.items()}, value=tracking.c.projection)
        result = conn.execute(update(tracking).where(or_(*matching)).values(position=new))
        if result.rowcount != len(moves):
            raise TrackingConflict("a projection was advanced by another follower")

    def catch_up(self) -> None:
        """Process until the end of the log as it is now."""
        while self.run_once():
            pass

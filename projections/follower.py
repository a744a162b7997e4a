"""Follows the event log and feeds the projections, exactly once and resumably."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, Engine, and_, case, insert, or_, select, update

from projections.base import Projection
from projections.rows import Rows
from projections.stored import Stored, as_read
from projections.tables import tracking
from registry.base import RegistryBase
from registry.log import notifications_after


class TrackingConflict(Exception):
    """Another follower advanced a projection first; this batch was rolled back."""


class FollowerObserver(Protocol):
    """Told what each projection applied, and when one raised (the service's metrics)."""

    def applied(self, projection: str, events: int) -> None: ...

    def failed(self, projection: str) -> None: ...


class Follower:
    """Reads notifications after the tracked positions and applies them in one transaction."""

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
        self._position = self._load_positions()

    def _load_positions(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            rows = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
            for p in self.projections:
                if p.name not in rows:
                    conn.execute(insert(tracking).values(projection=p.name, position=0))
                    rows[p.name] = 0
        return {p.name: int(rows[p.name]) for p in self.projections}

    @property
    def position(self) -> int:
        """The lowest position every projection has processed."""
        return min(self._position.values(), default=0)

    def run_once(self) -> int:
        """Apply the next batch of events; returns how many notifications were read."""
        start = self.position
        notifications = notifications_after(self.registry.recorder, start, self.batch_size)
        if not notifications:
            return 0
        last = notifications[-1].id
        with self.engine.begin() as conn:
            # Claim the batch first: the compare-and-set also locks the tracking rows,
            # so a second follower can neither interleave nor apply the same events.
            # A projection may be ahead of this batch (one added later starts at 0).
            moves = {name: (old, max(old, last)) for name, old in self._position.items()}
            self._advance(conn, moves)
            rows = Rows(conn)
            decoded = []
            for notification in notifications:
                due = [
                    p
                    for p in self.projections
                    if notification.id > self._position[p.name] and p.wants(notification.topic)
                ]
                if due:  # else no projection reads it: it need not be decoded
                    decoded.append((Stored(notification, self.registry.mapper), due))
            for p in self.projections:
                if p.uses_rows:
                    p.prefetch(rows, [as_read(p, s) for s, due in decoded if p in due])
            for stored, due in decoded:
                for p in due:
                    try:
                        p.handle(rows if p.uses_rows else conn, as_read(p, stored), stored.position)
                    except Exception:
                        if self.observer is not None:
                            self.observer.failed(p.name)
                        raise
            rows.flush()
        if self.observer is not None:
            for p in self.projections:
                self.observer.applied(p.name, sum(p in due for _, due in decoded))
        new_positions = {name: max(old, last) for name, old in self._position.items()}
        with self.processed:
            self._position = new_positions
            self.processed.notify_all()
        return len(notifications)

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

"""The read models' position as an API process knows it, and as the tracking table says."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from sqlalchemy import Engine, select

from projections.tables import tracking


class PositionWatch:
    """The read models' position as this process knows it, with no database round trip.

    Advanced from any thread (the in-process follower, the LISTEN thread, a poll) and
    awaited from event loops. The value is a lower bound of what the read models hold:
    it is set only after the batch that reached it committed. `generation` changes
    whenever the position goes backwards (a rebuild switched a projection in), so that
    anything derived from the read models before can tell it is stale. `live` is False
    while the value may not follow the read models (the LISTEN connection is down).
    The value leaves out the halted projections (`halted`, their names): their readers
    are told so rather than kept waiting.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0
        self.generation = 0
        self.live = False
        self.halted: frozenset[str] = frozenset()
        self.mark = (0, 0)  # (generation, value), read in one go
        self._waiters: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def set(self, position: int) -> None:
        with self._lock:
            if position == self.value:
                return
            if position < self.value:
                self.generation += 1
            self.value = position
            self.mark = (self.generation, position)
            ready = [w for w in self._waiters if w[0] <= position]
            if not ready:
                return
            self._waiters = [w for w in self._waiters if w[0] > position]
        for _, loop, future in ready:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(_resolve, future)

    async def wait(self, position: int, timeout: float) -> bool:
        """Wait until the value reaches `position`; False on timeout."""
        if self.value >= position:
            return True
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = (position, loop, future)
        with self._lock:
            if self.value >= position:
                return True
            self._waiters.append(waiter)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.value >= position


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def tracked_state(engine: Engine) -> tuple[int, frozenset[str]]:
    """(the lowest position the running projections have processed, the halted ones' names),
    as the database says; every projection's lowest if all are halted."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(tracking.c.projection, tracking.c.position, tracking.c.halted_at)
        ).all()
    halted = frozenset(name for name, _, at in rows if at is not None)
    running = [int(p) for name, p, _ in rows if name not in halted]
    return min(running or [int(p) for _, p, _ in rows], default=0), halted


def tracked_position(engine: Engine) -> int:
    """The lowest position the running projections have processed, as the database says."""
    return tracked_state(engine)[0]

"""One poller per API process reads each new public event once and offers it to every
subscriber, each filtering in memory into a bounded queue (cut off when it is full)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.event_filter import EventFilter
from projections.event_feed import events_after, last_position
from projections.machinery.outages import Unreachable
from projections.machinery.positions import PositionWatch
from service.stream.frames import Frame, frame

log = logging.getLogger(__name__)
BATCH = 500  # events read per poll


class Subscriber:
    """One stream's bounded queue of the events its filter matches."""

    def __init__(self, wanted: EventFilter, size: int) -> None:
        self.wanted = wanted
        self.size = size
        self.queue: deque[Frame] = deque()
        self.cut = False  # fell `size` events behind: gets no more, told where to resume
        self.closed = False  # the broadcaster stopped
        self.wake = asyncio.Event()

    def offer(self, found: Frame) -> None:
        if self.cut or not self.wanted.matches(found.subject):
            return
        if len(self.queue) >= self.size:
            self.cut = True
        else:
            self.queue.append(found)
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()


class Broadcaster:
    """Reads the `events` table after the last position it offered, woken when this
    process learns the read models moved (or every `poll_interval` seconds). Idle until the
    first stream opens."""

    def __init__(self, engine: AsyncEngine, positions: PositionWatch, poll_interval: float):
        self.engine = engine
        self.positions = positions
        self.poll_interval = poll_interval
        self.position = 0  # every event up to it has been offered to the subscribers
        self.subscribers: set[Subscriber] = set()
        self.reads = 0  # polls that read events (a filtered stream adds none)
        self._task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def start(self) -> None:
        """Start polling from the feed's last event, once (when the first stream opens)."""
        async with self._starting:
            if self._task is None:
                async with self.engine.connect() as conn:
                    self.position = await last_position(conn)
                self._task = asyncio.create_task(self._run(), name="event-stream broadcaster")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for subscriber in self.subscribers:
            subscriber.close()
        self.subscribers.clear()

    def subscribe(self, wanted: EventFilter, size: int) -> Subscriber:
        """A new subscriber: it is offered every event after `self.position` (read it now)."""
        subscriber = Subscriber(wanted, size)
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    async def _run(self) -> None:
        while True:
            mark = self.positions.value
            try:
                read = await self.poll()
            except (SQLAlchemyError, OSError, Unreachable) as error:
                log.warning("event stream: cannot read the events: %s", error)
                read = 0
            if read < BATCH:
                await self.positions.wait(mark + 1, self.poll_interval)

    async def poll(self) -> int:
        """Offer the events after `position` (at most BATCH) to every subscriber."""
        async with self.engine.connect() as conn:
            found = await events_after(conn, after=self.position, limit=BATCH)
        if found:
            self.reads += 1
            frames = [frame(event) for event in found]
            for subscriber in list(self.subscribers):
                for each in frames:
                    subscriber.offer(each)
            self.position = found[-1].position
        return len(found)

"""One poller per API process reads each new public event once and offers it to every
subscriber, each filtering in memory into a bounded queue (cut off when it is full)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.event_filter import EventFilter
from projections.event_feed import events_after, last_position
from projections.machinery.outages import Unreachable
from projections.machinery.positions import PositionWatch
from service.stream.eager import Push
from service.stream.frames import Frame, frame

log = logging.getLogger(__name__)
BATCH = 500  # events read per poll


class Subscriber:
    """One stream's bounded queue of the events its filter matches, and what its writer
    waits on: a bare future, woken by an event, a due keep-alive or the end (one task
    switch per wake-up, no timer of its own: the broadcaster's clock ticks for all).

    With a `push`, events offered while the writer waits with nothing queued are written
    at once by the broadcaster (service/stream/eager.py), and the writer stays asleep."""

    def __init__(
        self,
        wanted: EventFilter,
        size: int,
        keepalive: float = math.inf,
        ends: float = math.inf,
        push: Push | None = None,
    ) -> None:
        self.wanted = wanted
        self.push = push
        self.last = 0  # the position of the last event written (set by the writer first)
        self.pending: Awaitable[None] | None = None  # a push that waits for the client
        self.failed: Exception | None = None  # what a push raised
        self.size = size
        self.keepalive = keepalive  # seconds of silence before a keep-alive comment
        self.ends = ends  # the monotonic moment the stream ends
        self.queue: deque[Frame] = deque()
        self.cut = False  # fell `size` events behind: gets no more, told where to resume
        self.closed = False  # the broadcaster stopped
        self.due = False  # a keep-alive is due
        self.quiet_since = time.monotonic()  # the last write to the client
        self._waiter: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def offer(self, found: Frame) -> None:
        """One event, if the filter matches it."""
        if self.wanted.matches(found.subject):
            self.take([found])

    def take(self, matching: list[Frame], now: float | None = None) -> None:
        """Events the filter matches (checked once per filter by the broadcaster), written
        at once if the writer is idle (at `now`, the monotonic clock read once per poll),
        else queued for it."""
        if self.cut or not matching:
            return
        # No more at once than the queue would hold: a larger batch cuts it off, as queued.
        if self.push is not None and len(matching) <= self.size and self._idle():
            self._push_now(self.push, matching, time.monotonic() if now is None else now)
            return
        room = self.size - len(self.queue)
        self.queue.extend(matching[:room])
        self.cut = len(matching) > room
        self._wake()

    def tick(self, now: float) -> None:
        """The broadcaster's clock: wake the writer if a keep-alive or the end is due."""
        if now >= self.ends or now - self.quiet_since >= self.keepalive:
            self.due = True
            self._wake()

    def close(self) -> None:
        self.closed = True
        self._wake()

    def ready(self) -> bool:
        """Whether the writer has something to do now."""
        pushed = self.pending is not None or self.failed is not None
        return bool(self.queue) or self.cut or self.closed or self.due or pushed

    async def wait(self) -> None:
        """Until an event, a keep-alive or the end is due."""
        if self.ready():
            return
        if self._loop is None:  # looked up once: each lookup costs a system call on 3.11
            self._loop = asyncio.get_running_loop()
        self._waiter = self._loop.create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def _idle(self) -> bool:
        """The writer waits with nothing to do: no other write can be under way."""
        waiter = self._waiter
        return waiter is not None and not waiter.done() and not self.queue and not self.due

    def _push_now(self, push: Push, matching: list[Frame], now: float) -> None:
        ready = [found.data for found in matching if found.position > self.last]
        if not ready:
            return
        self.last = matching[-1].position
        self.quiet_since = now
        try:
            self.pending = push(b"".join(ready))
        # Not hidden: the writer raises it in its own task, as if its own write had failed
        # (one client's failure must not stop the broadcaster, which serves them all).
        except Exception as error:  # noqa: BLE001
            self.failed = error
            self._wake()
            return
        if self.pending is not None:  # a slow client: the writer waits for the rest
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class Broadcaster:
    """Reads the `events` table after the last position it offered, woken when this
    process learns the read models moved (or every `poll_interval` seconds). Idle until the
    first stream opens."""

    def __init__(
        self,
        engine: AsyncEngine,
        positions: PositionWatch,
        poll_interval: float,
        tick: float = 1.0,
        linger: float = 0.0,
    ) -> None:
        self.engine = engine
        self.positions = positions
        self.poll_interval = poll_interval
        self.tick = tick  # how often the subscribers are told the time (keep-alives, ends)
        # The shortest time between two reads: what is recorded meanwhile goes out together,
        # one write per subscriber (each write is a system call at both ends).
        self.linger = linger
        self._next_tick = 0.0
        self._last_read = -math.inf
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

    def subscribe(self, subscriber: Subscriber) -> Subscriber:
        """Offer `subscriber` every event after `self.position` (read it now)."""
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
            self._clock()
            if read < BATCH:
                wait = min(self.poll_interval, max(0.0, self._next_tick - time.monotonic()))
                await self.positions.wait(mark + 1, wait)
                early = self._last_read + self.linger - time.monotonic()
                if early > 0:
                    await asyncio.sleep(early)

    def _clock(self) -> None:
        """Tell every subscriber the time, every `tick` seconds."""
        now = time.monotonic()
        if now >= self._next_tick:
            for subscriber in list(self.subscribers):
                subscriber.tick(now)
            self._next_tick = now + self.tick

    async def poll(self) -> int:
        """Offer the events after `position` (at most BATCH) to every subscriber."""
        async with self.engine.connect() as conn:
            found = await events_after(conn, after=self.position, limit=BATCH)
        if found:
            self.reads += 1
            self._last_read = time.monotonic()
            frames = [frame(event) for event in found]
            matching: dict[EventFilter, list[Frame]] = {}  # each filter checked once
            now = time.monotonic()
            for subscriber in list(self.subscribers):
                wanted = subscriber.wanted
                if wanted not in matching:
                    matching[wanted] = [f for f in frames if wanted.matches(f.subject)]
                subscriber.take(matching[wanted], now)
            self.position = found[-1].position
        return len(found)

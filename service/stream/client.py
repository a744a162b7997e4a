"""One subscriber's stream: the events after its position from the `events` table, a page
at a time, then live from the broadcaster; no gap, no duplicate, in log order."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from projections.event_feed import events_after
from projections.event_filters import EventFilter
from service.stream.broadcaster import Broadcaster, Subscriber
from service.stream.eager import Push
from service.stream.frames import KEEPALIVE, cutoff, frame

PAGE = 500  # events read from the table at a time while catching up
Write = Callable[[bytes], Awaitable[None]]  # sends bytes to the client


@dataclass(frozen=True)
class StreamSettings:
    """How a stream keeps alive and how far its subscriber may fall behind."""

    keepalive: float
    queue: int
    max_seconds: float = 0  # the stream ends then (0: never)


async def catch_up(
    engine: AsyncEngine, wanted: EventFilter, after: int, until: int
) -> AsyncIterator[tuple[int, bytes]]:
    """The matching events after `after` up to `until` from the table, then the position
    read up to with no data (never before `after`: a client may be ahead of this process)."""
    start = after
    while after < until:
        async with engine.connect() as conn:
            found = await events_after(conn, *wanted.where(), after=after, limit=PAGE, until=until)
        for event in found:
            yield event.position, frame(event).data
        after = found[-1].position if len(found) == PAGE else until
    yield max(start, until), b""


async def stream(
    engine: AsyncEngine,
    broadcaster: Broadcaster,
    wanted: EventFilter,
    after: int,
    settings: StreamSettings,
    write: Write,
    push: Push | None = None,
) -> None:
    """Write every event matching `wanted` after `after`, then keep-alives and live events,
    until the client leaves, falls too far behind (a final `cutoff` event) or the server
    stops; live events through `push` when given (written by the broadcaster, at once)."""
    last = after
    # Far behind: catch up without a queue, which would fill while the table is read.
    while broadcaster.position - last > PAGE:
        async for last, data in catch_up(engine, wanted, last, broadcaster.position):  # noqa: B007,B020
            if data:
                await write(data)
    ends = time.monotonic() + settings.max_seconds if settings.max_seconds else math.inf
    subscriber = Subscriber(wanted, settings.queue, settings.keepalive, ends, push)
    broadcaster.subscribe(subscriber)
    try:
        # The rest up to where the live events start (read now: nothing runs in between).
        async for last, data in catch_up(engine, wanted, last, broadcaster.position):  # noqa: B007,B020
            if data:
                await write(data)
        await live(subscriber, last, write)
    finally:
        broadcaster.unsubscribe(subscriber)


async def live(subscriber: Subscriber, last: int, write: Write) -> None:
    """Write the subscriber's queue from after `last`, and keep-alives when the broadcaster's
    clock says one is due, until its end; what the broadcaster pushed meanwhile is written
    already (a push the client was slow to take is awaited first)."""
    subscriber.last = last
    while True:
        if subscriber.failed is not None:
            raise subscriber.failed
        if subscriber.pending is not None:
            await subscriber.pending
            subscriber.pending = None
        # Whatever arrived together is sent as one write: a write costs a system call, more
        # than the frame itself.
        ready: list[bytes] = []
        while subscriber.queue:
            found = subscriber.queue.popleft()
            if found.position > subscriber.last:
                subscriber.last = found.position
                ready.append(found.data)
        if ready:
            await write(b"".join(ready))
            subscriber.quiet_since = time.monotonic()
        if subscriber.cut:
            reason = f"more than {subscriber.size} events behind"
            await write(cutoff(subscriber.last, reason))
            return
        if subscriber.closed or time.monotonic() >= subscriber.ends:
            return
        if subscriber.due:
            subscriber.due = False
            if time.monotonic() - subscriber.quiet_since >= subscriber.keepalive:
                await write(KEEPALIVE)
                subscriber.quiet_since = time.monotonic()
        await subscriber.wait()

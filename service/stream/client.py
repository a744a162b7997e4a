"""One subscriber's stream: the events after its position from the `events` table, a page
at a time, then live from the broadcaster; no gap, no duplicate, in log order."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from projections.event_feed import events_after
from projections.event_filters import EventFilter
from service.stream.broadcaster import Broadcaster, Subscriber
from service.stream.frames import KEEPALIVE, cutoff, frame

PAGE = 500  # events read from the table at a time while catching up


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
) -> AsyncIterator[bytes]:
    """Every event matching `wanted` after `after`, then keep-alives and live events, until
    the client leaves, falls too far behind (a final `cutoff` event) or the server stops."""
    last = after
    # Far behind: catch up without a queue, which would fill while the table is read.
    while broadcaster.position - last > PAGE:
        async for last, data in catch_up(engine, wanted, last, broadcaster.position):  # noqa: B007,B020
            if data:
                yield data
    subscriber = broadcaster.subscribe(wanted, settings.queue)
    try:
        # The rest up to where the live events start (read now: nothing runs in between).
        async for last, data in catch_up(engine, wanted, last, broadcaster.position):  # noqa: B007,B020
            if data:
                yield data
        ends = time.monotonic() + settings.max_seconds if settings.max_seconds else math.inf
        async for data in live(subscriber, last, settings.keepalive, ends):
            yield data
    finally:
        broadcaster.unsubscribe(subscriber)


async def live(
    subscriber: Subscriber, last: int, keepalive: float, ends: float = math.inf
) -> AsyncIterator[bytes]:
    """The subscriber's queue from after `last`, with keep-alives while it is empty, until
    the monotonic moment `ends`."""
    while True:
        # Whatever arrived together is sent as one write: each write crosses every layer of
        # the app's middleware, which costs more than the frame itself.
        ready: list[bytes] = []
        while subscriber.queue:
            found = subscriber.queue.popleft()
            if found.position > last:
                last = found.position
                ready.append(found.data)
        if ready:
            yield b"".join(ready)
        if subscriber.cut:
            yield cutoff(last, f"more than {subscriber.size} events behind")
            return
        if subscriber.closed or time.monotonic() >= ends:
            return
        subscriber.wake.clear()
        wait = min(keepalive, ends - time.monotonic())
        try:  # a timeout around the wait, not `wait_for`: no task per wake-up
            async with asyncio.timeout(wait):
                await subscriber.wake.wait()
        except TimeoutError:
            if time.monotonic() < ends:
                yield KEEPALIVE

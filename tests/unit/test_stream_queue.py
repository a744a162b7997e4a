"""A stream subscriber's queue: filtered in memory, bounded, a slow reader cut off with the
position to resume from; keep-alives when the clock says one is due, and an end."""

from __future__ import annotations

import asyncio
import json
import time

from domain.event_filter import EventFilter
from service.stream.broadcaster import Subscriber
from service.stream.client import catch_up, live
from service.stream.frames import KEEPALIVE, Frame


def frames(count: int) -> list[Frame]:
    kinds = ("Candidacy.Awarded", "Scheme.Approved")
    return [
        Frame(n, {"event_type": kinds[n % 2]}, f"id: {n}\n\n".encode()) for n in range(1, count + 1)
    ]


async def drain(subscriber: Subscriber, last: int = 0) -> list[bytes]:
    """What `live` writes of what the subscriber holds, once it is closed."""
    got: list[bytes] = []

    async def write(data: bytes) -> None:
        got.append(data)

    subscriber.close()
    await live(subscriber, last, write)
    return got


async def ticked(subscriber: Subscriber, every: float) -> list[tuple[float, bytes]]:
    """What `live` writes, and when, while a clock ticks every `every` seconds."""
    got: list[tuple[float, bytes]] = []

    async def write(data: bytes) -> None:
        got.append((time.monotonic(), data))

    async def clock() -> None:
        while True:
            await asyncio.sleep(every)
            subscriber.tick(time.monotonic())

    ticks = asyncio.create_task(clock())
    try:
        await asyncio.wait_for(live(subscriber, 0, write), 5)
    finally:
        ticks.cancel()
    return got


def test_a_filter_is_applied_in_memory() -> None:
    subscriber = Subscriber(EventFilter(types=("Scheme.Approved",)), size=10)
    for each in frames(6):
        subscriber.offer(each)
    assert [f.position for f in subscriber.queue] == [1, 3, 5]


def test_a_slow_subscriber_is_cut_off_naming_where_to_resume() -> None:
    subscriber = Subscriber(EventFilter(), size=3)
    for each in frames(10):
        subscriber.offer(each)
    assert len(subscriber.queue) == 3 and subscriber.cut  # it never holds more
    got = asyncio.run(drain(subscriber))
    assert got[0] == b"".join(f.data for f in frames(3))  # what waited goes as one write
    final = got[1].decode()
    assert final.startswith("event: cutoff\n")
    assert json.loads(final.split("data: ", 1)[1])["position"] == 3
    assert len(got) == 2  # nothing after the cutoff


def test_events_already_sent_are_skipped() -> None:
    subscriber = Subscriber(EventFilter(), size=10)
    for each in frames(5):
        subscriber.offer(each)
    assert asyncio.run(drain(subscriber, last=3)) == [b"".join(f.data for f in frames(5)[3:])]


def test_a_closed_subscriber_ends_its_stream() -> None:
    subscriber = Subscriber(EventFilter(), size=10)
    subscriber.offer(frames(1)[0])
    assert asyncio.run(drain(subscriber)) == [frames(1)[0].data]


def test_a_client_ahead_of_the_broadcaster_is_not_sent_back() -> None:
    async def ahead() -> list[tuple[int, bytes]]:
        return [found async for found in catch_up(None, EventFilter(), 40, 30)]  # type: ignore[arg-type]

    assert asyncio.run(ahead()) == [(40, b"")]  # no read, and the position stays 40


def test_an_idle_stream_keeps_alive_and_ends_when_its_time_is_up() -> None:
    started = time.monotonic()
    subscriber = Subscriber(EventFilter(), size=10, keepalive=0.05, ends=started + 0.3)
    got = asyncio.run(ticked(subscriber, every=0.01))
    assert {data for _, data in got} == {KEEPALIVE}
    assert 3 <= len(got) <= 6  # one per 0.05 s of silence, none after the end
    gaps = [b - a for (a, _), (b, _) in zip([(started, b""), *got], got, strict=False)]
    assert all(gap >= 0.05 for gap in gaps)
    assert time.monotonic() - started < 1


def test_an_event_resets_the_silence() -> None:
    subscriber = Subscriber(EventFilter(), size=10, keepalive=0.1)

    async def run() -> list[tuple[float, bytes]]:
        async def events() -> None:
            for each in frames(5):
                await asyncio.sleep(0.04)
                subscriber.offer(each)
            await asyncio.sleep(0.05)
            subscriber.close()

        feeder = asyncio.create_task(events())
        got = await ticked(subscriber, every=0.01)
        await feeder
        return got

    got = asyncio.run(run())
    assert [data for _, data in got] == [f.data for f in frames(5)]  # no keep-alive between

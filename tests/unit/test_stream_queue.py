"""A stream subscriber's queue: filtered in memory, bounded, a slow reader cut off with the
position to resume from; keep-alives while it is idle."""

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
    got = []
    async for data in live(subscriber, last, keepalive=0.01):
        if data == KEEPALIVE:
            break
        got.append(data)
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


def test_events_already_sent_are_skipped_and_idle_streams_keep_alive() -> None:
    subscriber = Subscriber(EventFilter(), size=10)
    for each in frames(5):
        subscriber.offer(each)
    assert asyncio.run(drain(subscriber, last=3)) == [b"".join(f.data for f in frames(5)[3:])]


def test_a_closed_subscriber_ends_its_stream() -> None:
    subscriber = Subscriber(EventFilter(), size=10)
    subscriber.offer(frames(1)[0])
    subscriber.close()

    async def everything() -> list[bytes]:
        return [data async for data in live(subscriber, 0, keepalive=10)]

    assert asyncio.run(everything()) == [frames(1)[0].data]


def test_a_client_ahead_of_the_broadcaster_is_not_sent_back() -> None:
    async def ahead() -> list[tuple[int, bytes]]:
        return [found async for found in catch_up(None, EventFilter(), 40, 30)]  # type: ignore[arg-type]

    assert asyncio.run(ahead()) == [(40, b"")]  # no read, and the position stays 40


def test_a_stream_ends_when_its_time_is_up() -> None:
    subscriber = Subscriber(EventFilter(), size=10)

    async def everything() -> list[bytes]:
        ends = time.monotonic() + 0.1
        return [data async for data in live(subscriber, 0, keepalive=0.04, ends=ends)]

    got = asyncio.run(everything())
    assert 1 <= len(got) <= 3 and set(got) == {KEEPALIVE}

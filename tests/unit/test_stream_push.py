"""Events pushed by the broadcaster: written at once while the stream's writer sleeps, a slow
client's write finished by a task with what follows queued behind it, in order, and a
failed write raised by the writer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from domain.event_filter import EventFilter
from service.stream.broadcaster import Subscriber
from service.stream.client import live
from service.stream.eager import start_now
from service.stream.frames import Frame


def frames(first: int, last: int) -> list[Frame]:
    return [
        Frame(n, {"event_type": "Scheme.Approved"}, f"id: {n}\n\n".encode())
        for n in range(first, last + 1)
    ]


def test_a_send_that_never_waits_is_done_at_once() -> None:
    done: list[int] = []

    async def send() -> None:
        done.append(1)

    assert start_now(send()) is None
    assert done == [1]


def test_a_send_that_waits_is_finished_by_a_task() -> None:
    async def run() -> list[str]:
        steps: list[str] = []
        gate = asyncio.Event()

        async def send() -> None:
            steps.append("written")
            await gate.wait()  # as uvicorn waits while the client's buffer is full
            steps.append("drained")

        rest = start_now(send())
        assert rest is not None and steps == ["written"]
        await asyncio.sleep(0.01)
        assert steps == ["written"]  # still waiting for the client
        gate.set()
        await rest
        return steps

    assert asyncio.run(run()) == ["written", "drained"]


def test_a_send_that_fails_before_waiting_raises_at_once() -> None:
    async def send() -> None:
        raise RuntimeError("response already complete")

    with pytest.raises(RuntimeError, match="already complete"):
        start_now(send())


def test_a_cancelled_send_runs_its_cleanups() -> None:
    async def run() -> list[str]:
        steps: list[str] = []

        async def send() -> None:
            try:
                await asyncio.Event().wait()
            finally:
                steps.append("cleaned up")

        rest = start_now(send())
        assert isinstance(rest, asyncio.Future)
        await asyncio.sleep(0)
        rest.cancel()
        with pytest.raises(asyncio.CancelledError):
            await rest
        return steps

    assert asyncio.run(run()) == ["cleaned up"]


class Client:
    """What a connection took: pushes written at once, or held until `release`."""

    def __init__(self, slow: bool = False) -> None:
        self.got: list[bytes] = []
        self.slow = slow
        self.gate = asyncio.Event()

    def push(self, data: bytes) -> Awaitable[None] | None:
        self.got.append(data)
        return start_now(self.gate.wait()) if self.slow else None

    async def write(self, data: bytes) -> None:
        self.got.append(data)


def joined(found: list[Frame]) -> bytes:
    return b"".join(f.data for f in found)


def test_an_idle_writer_is_not_woken_to_write() -> None:
    async def run() -> tuple[list[bytes], bool]:
        client = Client()
        subscriber = Subscriber(EventFilter(), size=10, push=client.push)
        writer = asyncio.create_task(live(subscriber, 2, client.write))
        await asyncio.sleep(0)  # the writer now waits
        subscriber.take(frames(1, 4))
        woken = subscriber.ready()  # nothing for the writer to do: it stays asleep
        subscriber.take(frames(5, 5))
        subscriber.close()
        await writer
        return client.got, woken

    got, woken = asyncio.run(run())
    assert got == [joined(frames(3, 4)), joined(frames(5, 5))]  # 1 and 2 were sent already
    assert not woken


def test_behind_a_slow_client_events_queue_in_order_and_overflow_cuts_it_off() -> None:
    async def run() -> list[bytes]:
        client = Client(slow=True)
        subscriber = Subscriber(EventFilter(), size=3, push=client.push)
        writer = asyncio.create_task(live(subscriber, 0, client.write))
        await asyncio.sleep(0)
        subscriber.take(frames(1, 2))  # pushed, but the client's buffer is full
        subscriber.take(frames(3, 4))  # queued behind it
        assert [f.position for f in subscriber.queue] == [3, 4]
        await asyncio.sleep(0.01)
        assert len(client.got) == 1  # the writer waits for the first write to finish
        subscriber.take(frames(5, 6))  # one more than the queue holds
        assert subscriber.cut
        client.gate.set()
        await asyncio.wait_for(writer, 1)
        return client.got

    got = asyncio.run(run())
    assert got[:2] == [joined(frames(1, 2)), joined(frames(3, 5))]
    assert got[2].startswith(b"event: cutoff\n") and b'"position":5' in got[2]
    assert len(got) == 3


def test_a_push_that_fails_is_raised_by_the_writer() -> None:
    async def run() -> None:
        def push(data: bytes) -> None:
            raise ConnectionResetError("gone")

        async def write(data: bytes) -> None:
            pass

        subscriber = Subscriber(EventFilter(), size=10, push=push)
        writer = asyncio.create_task(live(subscriber, 0, write))
        await asyncio.sleep(0)
        subscriber.take(frames(1, 1))
        with pytest.raises(ConnectionResetError):
            await asyncio.wait_for(writer, 1)

    asyncio.run(run())


def test_more_at_once_than_the_queue_holds_cuts_an_idle_writer_off() -> None:
    async def run() -> list[bytes]:
        client = Client()
        subscriber = Subscriber(EventFilter(), size=3, push=client.push)
        writer = asyncio.create_task(live(subscriber, 0, client.write))
        await asyncio.sleep(0)
        subscriber.take(frames(1, 4))  # never pushed: the stream's memory stays bounded
        await asyncio.wait_for(writer, 1)
        return client.got

    got = asyncio.run(run())
    assert got[0] == joined(frames(1, 3))
    assert got[1].startswith(b"event: cutoff\n") and b'"position":3' in got[1]

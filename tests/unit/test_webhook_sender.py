"""The sender through the real HTTP client against local sockets: what the receiver or the
network does becomes an Attempt (never an exception), answers reuse kept-alive connections."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from projections.webhooks.delivery import Attempt, Sender, new_client

NOW = datetime(2025, 3, 1, tzinfo=UTC)
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def deliver(handler: Handler | None, times: int = 1, timeout: float = 5.0) -> list[Attempt]:
    """`times` deliveries, one after another, to a local receiver run by `handler` (None: a
    port where nothing listens)."""

    async def run() -> list[Attempt]:
        server = await asyncio.start_server(handler or _ignore, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        if handler is None:
            server.close()
            await server.wait_closed()
        async with new_client(timeout, 4) as client:
            sender = Sender(client, None, allow_private=True)
            url, secret = f"http://127.0.0.1:{port}/in", "whsec_" + "A" * 44
            found = [await sender.send(url, secret, f"s_{n}", b"{}", NOW) for n in range(times)]
        server.close()
        return found

    return asyncio.run(run())


async def _ignore(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


def answering(head: bytes, connections: list[int] | None = None) -> Handler:
    """A receiver answering every request `head` (no body) on a kept-alive connection."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if connections is not None:
            connections.append(1)
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = [ln for ln in request.lower().split(b"\r\n") if b"content-length" in ln]
                await reader.readexactly(int(length[0].split(b":")[1]) if length else 0)
                writer.write(head + b"content-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    return handle


def test_deliveries_reuse_one_kept_alive_connection() -> None:
    connections: list[int] = []
    attempts = deliver(answering(b"HTTP/1.1 204 No Content\r\n", connections), times=5)
    assert all(a.delivered and a.error == "" for a in attempts)
    assert len(connections) == 1


def test_429_gives_its_retry_after_and_410_is_gone() -> None:
    (busy,) = deliver(answering(b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 120\r\n"))
    assert (busy.status_code, busy.error, busy.retry_after) == (
        429,
        "HTTP 429",
        timedelta(seconds=120),
    )
    (gone,) = deliver(answering(b"HTTP/1.1 410 Gone\r\n"))
    assert gone.gone and not gone.delivered and gone.retry_after is None


def test_a_refused_connection_and_a_silent_receiver_are_failed_attempts() -> None:
    (refused,) = deliver(None)
    assert refused.status_code is None and "Cannot connect" in refused.error

    async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        await reader.read()  # reads until the sender gives up, never answers

    (late,) = deliver(silent, timeout=0.3)
    assert late.status_code is None and "Timeout" in late.error
    assert 250 <= late.latency_ms < 5000

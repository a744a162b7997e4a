"""Sending a stream's bytes at once, from the broadcaster, without waking the stream's task.

An ASGI `send` of a body chunk is a coroutine that, on a connection that takes more bytes,
writes them to the transport and returns without ever waiting (uvicorn waits only while the
client's socket buffer is full). Run up to its first wait by hand, it has done its work in
the caller's own step: the broadcaster hands an event to 1,000 subscribers with 1,000
transport writes, where waking 1,000 tasks first cost as much again. A send that does wait
(a slow client) is finished by a task, as it would have been anyway. This is what
`asyncio.eager_task_factory` does from Python 3.12; 3.11 has no such thing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

# Writes bytes now if the connection takes them at once (None), else gives what finishes it.
Push = Callable[[bytes], "Awaitable[None] | None"]


def start_now(coro: Coroutine[Any, Any, object]) -> asyncio.Future[None] | None:
    """Run `coro` up to its first wait: None when it finished without one, else a task
    finishing it (its exception, if it raised before waiting, is raised here)."""
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return None
    except BaseException:
        coro.close()
        raise
    return asyncio.ensure_future(_finish(coro, waiting_on))


async def _finish(coro: Coroutine[Any, Any, object], waiting_on: Any) -> None:
    """Drive the rest of a coroutine stepped once by hand, as a task drives one: wait for
    what it yielded (a future, or nothing for a bare yield), then resume it."""
    try:
        while True:
            if waiting_on is None:
                await asyncio.sleep(0)
            else:
                # A future yields itself flagged as blocking, for the task that drives it.
                waiting_on._asyncio_future_blocking = False
                await asyncio.wait([waiting_on])
            try:
                waiting_on = coro.send(None)
            except StopIteration:
                return
    finally:
        coro.close()  # a no-op once it returned; otherwise (cancelled) its cleanups run

"""The service on a real port (uvicorn in a thread), for the event stream's tests (an ASGI
transport would buffer the whole, endless, answer), and a small Server-Sent Events reader."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from registry.application import LeaderRegistry
from registry.settings import Settings
from service.app import create_app
from tests.clock import Clock
from tests.e2e.browser.live import free_port


@dataclass
class Served:
    """A running service: its base URL, registry, clock and uvicorn server."""

    url: str
    registry: LeaderRegistry
    clock: Clock
    server: uvicorn.Server
    thread: threading.Thread

    def head(self) -> int:
        return int(self.registry.recorder.max_notification_id() or 0)


@contextmanager
def served(
    settings: Settings,
    grace: int = 1,
    layer: Callable[[ASGIApp], ASGIApp] | None = None,
    **overrides: Any,
) -> Iterator[Served]:
    """Run the service on `settings` (streams kept alive every 0.2 s, and `overrides`)
    until the block ends; `layer`, if given, as its outermost middleware."""
    update = {"stream_keepalive": 0.2, "stream_poll_interval": 0.05, **overrides}
    settings = settings.model_copy(update=update)
    clock = Clock()
    app = create_app(settings, clock=clock)
    if layer is not None:
        app.add_middleware(layer)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=grace
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield Served(f"http://127.0.0.1:{port}", app.state.registry, clock, server, thread)
    finally:
        server.should_exit = True
        thread.join(30)


@dataclass
class Message:
    """One Server-Sent Event (or a comment, `event` "comment")."""

    event: str = "message"
    id: str | None = None
    data: list[str] = field(default_factory=list)

    def json(self) -> Any:
        import json

        return json.loads("\n".join(self.data))


def messages(response: httpx.Response) -> Iterator[Message]:
    """The events (and comments) of a stream, as they arrive."""
    current = Message()
    for line in response.iter_lines():
        if line == "":
            if current.data or current.id is not None:
                yield current
            current = Message()
        elif line.startswith(":"):
            yield Message(event="comment")
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                current.data.append(value)
            elif name == "id":
                current.id = value
            elif name == "event":
                current.event = value

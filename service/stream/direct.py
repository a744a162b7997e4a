"""The stream's events go straight to the server, below the middleware.

A stream with 1,000 subscribers makes 1,000 writes per event. Each write through the app's
middleware (metrics, hardening, CORS, limits, the read cache, Starlette's error layers)
costs more than the frame itself, and none of them has anything to do with a body chunk
of a stream: the headers, the start and the end of the answer still cross every layer, so
the hardening headers, the request id and the metrics apply as to any answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from service.stream.client import Write
from service.stream.eager import Push, start_now

DIRECT_SEND = "registry.direct_send"  # the server's own `send`, kept in the scope


class KeepDirectSend:
    """Outermost ASGI layer: keeps the server's `send` in the scope of each HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[DIRECT_SEND] = send
        await self.app(scope, receive, send)


class EventStreamResponse(StreamingResponse):
    """Server-Sent Events written by `run`: the start and the end through the middleware,
    the body straight to the server (through the middleware when no direct `send` was
    kept), by the stream's task (`write`) or at once by the broadcaster (`push`)."""

    media_type = "text/event-stream"
    direct: Send | None = None

    def __init__(
        self,
        run: Callable[[Write, Push], Awaitable[None]],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(_nothing(), status_code=status_code, headers=headers)
        self.run = run

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.direct = scope.get(DIRECT_SEND)
        await super().__call__(scope, receive, send)

    async def stream_response(self, send: Send) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await send({**start, "headers": self.raw_headers})
        direct = self.direct or send

        def body(data: bytes) -> Coroutine[Any, Any, None]:
            message = {"type": "http.response.body", "body": data, "more_body": True}
            return direct(message)  # type: ignore[return-value]

        async def write(data: bytes) -> None:
            await body(data)

        def push(data: bytes) -> Awaitable[None] | None:
            return start_now(body(data))

        await self.run(write, push)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _nothing() -> AsyncIterator[bytes]:
    """The base class's body, never read: `run` writes the answer."""
    return
    yield

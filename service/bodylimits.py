"""Request bodies: 413 beyond `REGISTRY_MAX_BODY_BYTES`, 415 for a write that is not JSON
(or, on the website's paths, an HTML form)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import problems
from service.ratelimit import SAFE_METHODS


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; FastAPI passes it on to the problem handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def is_json(content_type: str | None) -> bool:
    """`application/json` or `application/*+json` (parameters such as charset allowed)."""
    media = (content_type or "").partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


FORM = "application/x-www-form-urlencoded"


def is_form(content_type: str | None) -> bool:
    return (content_type or "").partition(";")[0].strip().lower() == FORM


class BodyLimits:
    """413 for a body over `max_bytes` (declared by Content-Length, or counted as it
    streams in); 415 for a write whose body is not JSON (a write without a body is fine),
    unless it is an HTML form posted to one of the website's paths (`is_page`)."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, is_page: Callable[[str], bool] = lambda _: False
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.is_page = is_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        length = int(declared) if declared.isdigit() else None
        if length is not None and length > self.max_bytes:
            await self.refuse(BodyTooLarge(self.max_bytes), scope, receive, send)
            return
        has_body = bool(length) or (length is None and "transfer-encoding" in headers)
        content_type = headers.get("content-type")
        form = is_form(content_type) and self.is_page(scope["path"])
        if (
            has_body
            and scope["method"] not in SAFE_METHODS
            and not is_json(content_type)
            and not form
        ):
            got = content_type or "no Content-Type"
            detail = f"the request body must be application/json (got {got})"
            await problems.problem(415, detail)(scope, receive, send)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def send_started(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, send_started)
        except BodyTooLarge as exc:  # read outside FastAPI's handlers
            if started:
                raise
            await self.refuse(exc, scope, receive, send)

    @staticmethod
    async def refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
        await problems.problem(exc.status_code, exc.detail)(scope, receive, send)

"""HTTP hardening: request ids, security headers, CORS, body limits and a write rate limit.

Pure ASGI middleware (it never buffers API responses, and streams pass through), installed
by `install`, outermost first:

1. `SecurityHeaders`: the request id (`X-Request-ID`, kept in `request.state.request_id`
   for `current_actor`) and the security headers, on every response, errors included;
2. `Cors`: any origin may read (no credentials); only `REGISTRY_CORS_WRITE_ORIGINS` may write;
3. `WriteRateLimit` (`service.ratelimit`): a token bucket per bearer token (keyed by its
   SHA-256) on writes: 429;
4. `BodyLimits` (`service.bodylimits`): 413 beyond `REGISTRY_MAX_BODY_BYTES`, 415 for a
   body that is not JSON.

Every refusal here is an `application/problem+json` document, like the API's own.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.settings import Settings
from service import problems
from service.bodylimits import BodyLimits
from service.ratelimit import SAFE_METHODS, TokenBucket, WriteRateLimit

REQUEST_ID = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# What a browser script may read from a cross-origin response, and send on one.
EXPOSED_HEADERS = (
    "X-Request-ID",
    "ETag",
    "Registry-Consistency",
    "Location",
    "Retry-After",
    # Every read's position; a download's file name.
    "Registry-Position",
    "Content-Disposition",
    # A signed list's CSV download carries its statement and checkpoint beside it.
    "Registry-List-Statement",
    "Registry-List-Checkpoint",
    "Repr-Digest",
)
READ_HEADERS = ("If-None-Match", "If-Modified-Since", "X-Request-ID")
WRITE_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Request-ID")

CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
}
HSTS = "max-age=31536000"
# The website's pages (any HTML answer but the docs): the service's own CSS and images,
# forms back to the service, no script at all.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# The Swagger UI and ReDoc pages load their code from the service (`/static/vendor/`;
# ReDoc: a search worker from a blob, styles it injects); their inline bootstrap scripts
# are allowed by hash only.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


def install(
    app: FastAPI,
    settings: Settings,
    *,
    docs_paths: Collection[str] = (),
    is_page: Callable[[str], bool] = lambda _: False,
) -> None:
    """Install the hardening middleware and put the write limiter on `app.state`."""
    app.state.write_limiter = TokenBucket(settings.write_rate, settings.write_burst)
    docs = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url, *docs_paths)
    # Each `add_middleware` wraps the previous ones: the last added runs first.
    app.add_middleware(BodyLimits, max_bytes=settings.max_body_bytes, is_page=is_page)
    app.add_middleware(WriteRateLimit, state=app.state)
    app.add_middleware(Cors, write_origins=settings.write_origins)
    app.add_middleware(
        SecurityHeaders, hsts=settings.hsts, docs_paths=[path for path in docs if path]
    )


def request_id_for(value: str | None) -> str:
    """The client's request id if it is sane (1-64 of [A-Za-z0-9._-]), else a new one."""
    if value is not None and _REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def route_path(scope: Scope) -> str:
    """The request path below the application's root path (as the router sees it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def docs_policy(html: bytes) -> str:
    """The docs pages' policy, allowing exactly the inline scripts of this page."""
    digests = (hashlib.sha256(script).digest() for script in _INLINE_SCRIPT.findall(html))
    hashes = "".join(f" 'sha256-{base64.b64encode(d).decode()}'" for d in digests)
    return DOCS_CSP.format(hashes=hashes)


class SecurityHeaders:
    """The request id and the security headers, on every response.

    `Cache-Control: no-store` on writes and errors; HSTS only if configured (behind HTTPS).
    An unhandled error still answers a 500 problem with these headers (the exception goes
    on to Starlette's error middleware, which logs it and sends nothing more).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool, docs_paths: Collection[str] = ()) -> None:
        self.app = app
        self.hsts = hsts
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(Headers(scope=scope).get(REQUEST_ID))
        scope.setdefault("state", {})["request_id"] = request_id
        write = scope["method"] not in SAFE_METHODS
        docs = route_path(scope) in self.docs_paths
        started = False
        held: Message | None = None  # a docs page's start, until its body is known
        body: list[bytes] = []

        async def send_hardened(message: Message) -> None:
            nonlocal started, held
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID] = request_id
                headers.update(SECURITY_HEADERS)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = PAGE_CSP
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
                if write or message["status"] >= 400:
                    headers["Cache-Control"] = "no-store"
                if docs:
                    held = message
                    return
            elif held is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = b"".join(body)
                MutableHeaders(scope=held)["Content-Security-Policy"] = docs_policy(page)
                await send(held)
                message = {"type": "http.response.body", "body": page}
            await send(message)

        try:
            await self.app(scope, receive, send_hardened)
        except Exception as error:
            if not started:
                # Same answer as `problems.unexpected_error`, which logs the error later.
                await problems.last_resort(error)(scope, receive, send_hardened)
            raise


class _CORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, answering a refused preflight with a problem."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        cors = {
            name: value
            for name, value in response.headers.items()
            if name.startswith("access-control-") or name == "vary"
        }
        detail = bytes(response.body).decode()  # e.g. "Disallowed CORS origin"
        return problems.problem(response.status_code, detail, headers=cors)


class Cors:
    """Reads (GET, HEAD, OPTIONS) from any origin, without credentials; writes only from
    the configured origins. Both expose the headers a client needs (`EXPOSED_HEADERS`).

    A preflight is judged by the method it asks for. Browsers must preflight every write
    (a bearer token is not a "simple" header), so a refused origin never gets to write.
    """

    def __init__(self, app: ASGIApp, *, write_origins: Sequence[str]) -> None:
        self.app = app
        self.reads = _CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=sorted(SAFE_METHODS),
            allow_headers=READ_HEADERS,
            expose_headers=EXPOSED_HEADERS,
        )
        self.writes = _CORSMiddleware(
            app,
            allow_origins=write_origins,
            allow_methods=["POST"],
            allow_headers=WRITE_HEADERS,
            expose_headers=EXPOSED_HEADERS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        if method == "OPTIONS":
            method = Headers(scope=scope).get("access-control-request-method", method)
        cors = self.reads if method in SAFE_METHODS else self.writes
        await cors(scope, receive, send)


_LIMIT_RESPONSES: dict[str, dict[str, Any]] = {
    # FastAPI answers 400 when the body cannot even be decoded (bytes that are not UTF-8).
    "400": {"description": "The request body cannot be decoded as JSON text"},
    "413": {"description": "The request body is larger than the configured limit"},
    "415": {"description": "The request body is not application/json"},
    "429": {
        "description": "Too many writes with this credential; retry after `Retry-After`",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    },
}


def describe(document: dict[str, Any]) -> None:
    """Add the refusals above to every write of an OpenAPI document."""
    content = {problems.MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() in SAFE_METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in _LIMIT_RESPONSES.items():
                responses.setdefault(status, {**response, "content": content})

"""The per-credential write rate limit: token buckets keyed by the bearer token's hash."""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.datastructures import Headers, State
from starlette.types import ASGIApp, Receive, Scope, Send

from service import problems

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenBucket:
    """In-process token buckets by key: `rate` tokens a second, at most `burst` saved up.

    Used from the event loop only. At most `max_keys` buckets are kept (least recently
    used dropped first; a dropped bucket comes back full, as an idle one would be).
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """The seconds until `key` has a token (0.0: it has one now); takes nothing."""
        tokens, then = self._buckets.get(key, (float(self.burst), self.clock()))
        tokens = min(float(self.burst), tokens + (self.clock() - then) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str) -> float:
        """Take a token: 0.0 if there was one, else the seconds until there will be one."""
        now = self.clock()
        tokens, then = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def bearer_key(headers: Headers) -> str | None:
    """The SHA-256 of the request's bearer token (never the token itself), if it has one."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return hashlib.sha256(token.encode()).hexdigest()


class WriteRateLimit:
    """429 with Retry-After when a bearer token writes faster than `state.write_limiter`
    allows. Requests without a token are left alone (they are refused with 401 anyway)."""

    def __init__(self, app: ASGIApp, *, state: State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            key = bearer_key(Headers(scope=scope))
            limiter: TokenBucket | None = getattr(self.state, "write_limiter", None)
            wait = limiter.take(key) if key is not None and limiter is not None else 0.0
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                detail = f"too many writes with this credential; retry in {seconds} s"
                response = problems.problem(429, detail, headers={"Retry-After": str(seconds)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

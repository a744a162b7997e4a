"""One webhook delivery attempt over HTTP, and when to try again after a failure."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from domain.errors import DomainError
from registry.webhook_signing import WebhookKey, signature_header
from registry.webhook_targets import pinned

# Backoff: the n-th failed attempt waits FIRST * 2**(n-1), at most LONGEST, each +-20%.
FIRST, LONGEST = timedelta(seconds=5), timedelta(hours=2)
JITTER = 0.2
# Retry-After beyond this is not believed (the retry days bound the whole anyway).
MOST_RETRY_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class Attempt:
    """What one attempt found: the status (None: no HTTP answer), an error, latency."""

    status_code: int | None
    error: str
    latency_ms: int
    retry_after: timedelta | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        """410 Gone: the receiver wants no more; the subscription is disabled."""
        return self.status_code == 410


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failure in a row: exponential, capped, jittered."""
    base: timedelta = min(FIRST * 2 ** min(attempts - 1, 30), LONGEST)
    spread: float = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return base * spread


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` header's wait (seconds or an HTTP date), bounded; None if absent."""
    if not value:
        return None
    try:
        wait = timedelta(seconds=max(0, int(value.strip())))
    except ValueError:
        try:
            wait = parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            return None
    return max(timedelta(0), min(wait, MOST_RETRY_AFTER))


@dataclass(frozen=True)
class Sender:
    """Signs and posts deliveries with one HTTP client (no redirects followed)."""

    client: httpx.AsyncClient
    key: WebhookKey | None
    allow_private: bool

    async def send(
        self, url: str, secret: str, webhook_id: str, body: bytes, now: datetime
    ) -> Attempt:
        """Post one signed delivery; never raises for what the receiver or network does."""
        started = time.perf_counter()

        def took() -> int:
            return round((time.perf_counter() - started) * 1000)

        target, extensions = url, {}
        headers = {"content-type": "application/json"}
        if not self.allow_private:
            try:  # again at delivery, and connect to the address checked (DNS rebinding)
                target, host = await asyncio.to_thread(pinned, url)
            except DomainError as refused:
                return Attempt(None, refused.message, took())
            headers["host"] = host
            extensions = {"sni_hostname": urlsplit(url).hostname or ""}
        stamp = int(time.time())  # real time: receivers compare it with their own clocks
        headers |= {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": signature_header(secret, self.key, webhook_id, stamp, body),
        }
        try:
            answer = await self.client.post(
                target, content=body, headers=headers, extensions=extensions
            )
        except httpx.HTTPError as failure:
            return Attempt(None, f"{type(failure).__name__}: {failure}"[:500], took())
        wait = None
        if answer.status_code in (429, 503):
            wait = retry_after(answer.headers.get("retry-after"), now)
        said = "" if answer.is_success else f"HTTP {answer.status_code}"
        if answer.is_redirect:
            said += " (redirects are not followed)"
        return Attempt(answer.status_code, said, took(), wait)


def new_client(timeout: float, concurrency: int) -> httpx.AsyncClient:
    """The dispatcher's HTTP client: its timeouts, no redirects, a pool as wide as it sends."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        trust_env=False,
    )

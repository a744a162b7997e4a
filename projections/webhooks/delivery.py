"""One webhook delivery attempt over HTTP, and when to try again after a failure."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp

from domain.errors import DomainError
from projections.webhooks.pins import Pins
from registry.webhook_signing import WebhookKey, signature_header

# Backoff: the n-th failed attempt waits FIRST * 2**(n-1), at most LONGEST, each +-20%.
FIRST, LONGEST = timedelta(seconds=5), timedelta(hours=2)
JITTER = 0.2
# Retry-After beyond this is not believed (the retry days bound the whole anyway); below
# the least, a receiver saying "0" or a past date would be retried in a tight loop.
LEAST_RETRY_AFTER, MOST_RETRY_AFTER = timedelta(seconds=1), timedelta(hours=6)


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
        # Bounded before it becomes a timedelta, which overflows at 10**9 days.
        wait = timedelta(seconds=min(int(value.strip()), MOST_RETRY_AFTER.total_seconds()))
    except ValueError:
        try:
            wait = parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            return None
    return max(LEAST_RETRY_AFTER, min(wait, MOST_RETRY_AFTER))


REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Sender:
    """Signs and posts deliveries with one HTTP client (no redirects followed), to each
    endpoint's checked address (unless private addresses are allowed)."""

    client: aiohttp.ClientSession
    key: WebhookKey | None
    allow_private: bool
    pins: Pins = field(default_factory=Pins)

    async def send(
        self, url: str, secret: str, webhook_id: str, body: bytes, now: datetime
    ) -> Attempt:
        """Post one signed delivery; never raises for what the receiver or network does."""
        started = time.perf_counter()

        def took() -> int:
            return round((time.perf_counter() - started) * 1000)

        target, server_name = url, None
        headers = {"content-type": "application/json"}
        if not self.allow_private:
            # checked again before delivering (a few seconds at most ago), and connected to
            # the address checked (DNS rebinding)
            pin = await self.pins.pin(url)
            if isinstance(pin, DomainError):
                return Attempt(None, pin.message, took())
            target, headers["host"] = pin
            server_name = urlsplit(url).hostname or ""
        stamp = int(time.time())  # real time: receivers compare it with their own clocks
        headers |= {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": signature_header(secret, self.key, webhook_id, stamp, body),
        }
        try:
            async with self.client.post(
                target,
                data=body,
                headers=headers,
                allow_redirects=False,
                server_hostname=server_name,
            ) as answer:
                await answer.read()
        except (aiohttp.ClientError, TimeoutError) as failure:
            return Attempt(None, f"{type(failure).__name__}: {failure}"[:500], took())
        status = answer.status
        wait = None
        if status in (429, 503):
            wait = retry_after(answer.headers.get("retry-after"), now)
        said = "" if 200 <= status < 300 else f"HTTP {status}"
        if status in REDIRECTS and "location" in answer.headers:
            said += " (redirects are not followed)"
        return Attempt(status, said, took(), wait)


def new_client(timeout: float, concurrency: int) -> aiohttp.ClientSession:
    """The dispatcher's HTTP client (made in the running loop): its timeouts (to connect,
    counting the wait for a pooled connection, and between reads), a keep-alive pool as wide
    as it sends, no cookies, no proxy from the environment."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency),
        timeout=aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        ),
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    )

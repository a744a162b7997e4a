"""Endpoints' checked addresses, each kept a few seconds: the dispatcher resolves and checks
an endpoint once per PIN_SECONDS (in a thread), not once per delivery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from domain.errors import DomainError
from registry.webhook_targets import pinned

# How long an endpoint's checked address (or its refusal) is used before it is checked again.
PIN_SECONDS = 5.0
Pin = tuple[str, str] | DomainError  # (the url at its checked address, Host) or the refusal


class Pins:
    """`pinned(url)` with each endpoint's answer kept `seconds`; deliveries only ever connect
    to an address that was checked, at most `seconds` ago."""

    def __init__(
        self, seconds: float = PIN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds, self.clock = seconds, clock
        self._kept: dict[str, tuple[float, Pin]] = {}

    async def pin(self, url: str) -> Pin:
        """The endpoint at its checked address and its `Host`, or why it is refused."""
        now = self.clock()
        kept = self._kept.get(url)
        if kept is not None and now < kept[0]:
            return kept[1]
        answer: Pin
        try:
            answer = await asyncio.to_thread(pinned, url)
        except DomainError as refused:
            answer = refused
        if len(self._kept) > 10_000:  # endpoints gone: forget what has expired
            self._kept = {u: k for u, k in self._kept.items() if now < k[0]}
        self._kept[url] = (now + self.seconds, answer)
        return answer

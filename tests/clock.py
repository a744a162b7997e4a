"""A clock tests can move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Starts at a fixed moment; `advance(days=...)` moves it forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

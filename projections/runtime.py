"""The read side as the service sees it: engines, the in-process follower, waiting for positions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from registry.application import LeaderRegistry
from registry.settings import Settings


class ReadSide:
    """Owns the read-model engines; optionally runs the projection follower and expiry sweeper."""

    engine: AsyncEngine  # async engine for queries (aiosqlite / asyncpg)

    def __init__(self, settings: Settings, registry: LeaderRegistry) -> None:
        raise NotImplementedError

    def start(self) -> None:
        """Create missing tables; start the follower and sweeper threads when configured."""
        raise NotImplementedError

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until every projection has processed `position`; False on timeout."""
        raise NotImplementedError

    def position(self) -> int:
        """The lowest position all projections have processed."""
        raise NotImplementedError

    def sweep(self, now: datetime) -> int:
        """Record the expiry of every title whose validity ended before `now`."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

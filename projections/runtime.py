"""The read side as the service sees it: engines, the in-process follower, waiting for positions."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import datetime

from eventsourcing.persistence import PersistenceError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from projections import schema
from projections.candidacies import Candidacies
from projections.credentials import Credentials, LastUsed
from projections.engines import async_engine, sync_engine
from projections.follower import Follower, TrackingConflict
from projections.history import History
from projections.records import Records
from projections.tables import candidacies, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings

log = logging.getLogger(__name__)


def all_projections() -> list[Records | Candidacies | History | Credentials]:
    return [Records(), Candidacies(), History(), Credentials()]


def expire_due(engine: Engine, registry: LeaderRegistry, now: datetime) -> int:
    """The expiry sweep: record an Expired event for every title past its validity."""
    with engine.connect() as conn:
        due = conn.scalars(
            select(candidacies.c.id).where(
                candidacies.c.status == "awarded", candidacies.c.valid_until <= now
            )
        ).all()
    return registry.expire_titles(due)


class ReadSide:
    """Owns the read-model engines; optionally runs the projection follower and expiry sweeper."""

    def __init__(self, settings: Settings, registry: LeaderRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self.writer = sync_engine(settings)
        self.engine: AsyncEngine = async_engine(settings)
        self.follower: Follower | None = None
        self.last_used = LastUsed(self.writer)  # notes credential use outside the log
        registry.on_credential_used = self.last_used
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Migrate the read models; start the follower and sweeper threads when configured."""
        schema.upgrade(self.writer, self.settings)
        self._new_follower()
        if self.settings.run_projections:
            self._spawn(self._follow, "projection-follower")
            self._spawn(self._sweep_loop, "expiry-sweeper")

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _follow(self) -> None:
        while not self._stop.is_set():
            follower = self.follower or self._new_follower()
            try:
                if follower.run_once():
                    continue
            except TrackingConflict:
                log.warning("another follower advanced the projections; reloading positions")
                self.follower = None
            except (SQLAlchemyError, PersistenceError):
                # The database is unreachable or failed: nothing was applied; try again.
                log.exception("projection batch failed; retrying")
                self.follower = None
            self._wake.wait(self.settings.poll_interval)
            self._wake.clear()

    def _new_follower(self) -> Follower:
        self.follower = Follower(self.registry, self.writer, all_projections())
        return self.follower

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.settings.sweep_interval):
            expired = self.sweep(self.registry.now())
            if expired:
                log.info("expiry sweep recorded %d expired title(s)", expired)

    def poke(self) -> None:
        """Tell the follower there is something new to read."""
        self._wake.set()

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until every projection has processed `position`; False on timeout."""
        deadline = time.monotonic() + timeout
        self.poke()
        while True:
            if await asyncio.to_thread(self.position) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            self.poke()
            await asyncio.sleep(0.005)

    def position(self) -> int:
        """The lowest position all projections have processed."""
        if self.settings.run_projections and self.follower is not None:
            return self.follower.position
        with self.writer.connect() as conn:  # projections run in another process
            return int(conn.scalar(select(func.min(tracking.c.position))) or 0)

    def sweep(self, now: datetime) -> int:
        """Record the expiry of every title whose validity ended before `now`."""
        return expire_due(self.writer, self.registry, now)

    async def close(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            await asyncio.to_thread(thread.join, 10)
        await asyncio.to_thread(self.last_used.drain)
        await self.engine.dispose()
        self.writer.dispose()

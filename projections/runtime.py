"""The read side as the service sees it: engines, the in-process follower, waiting for positions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from datetime import datetime

import psycopg
from eventsourcing.persistence import PersistenceError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from projections import schema
from projections.audit import Audit
from projections.base import Projection
from projections.candidacies import Candidacies
from projections.checkpoints import Checkpointer
from projections.credentials import Credentials, LastUsed
from projections.engines import async_engine, sync_engine
from projections.follower import Follower, FollowerObserver, TrackingConflict
from projections.history import History
from projections.records import Records
from projections.tables import candidacies, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings

log = logging.getLogger(__name__)
# The projection worker's commits reach API processes on this channel (PostgreSQL only):
# a trigger on `tracking` (migration 0005) notifies "SCHEMA:POSITION", the lowest position.
POSITION_CHANNEL = "leader_registry_read"


class PositionWatch:
    """The read models' position as this process knows it, with no database round trip.

    Advanced from any thread (the in-process follower, the LISTEN thread, a poll) and
    awaited from event loops. The value is a lower bound of what the read models hold:
    it is set only after the batch that reached it committed. `generation` changes
    whenever the position goes backwards (a rebuild switched a projection in), so that
    anything derived from the read models before can tell it is stale. `live` is False
    while the value may not follow the read models (the LISTEN connection is down).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0
        self.generation = 0
        self.live = False
        self.mark = (0, 0)  # (generation, value), read in one go
        self._waiters: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def set(self, position: int) -> None:
        with self._lock:
            if position == self.value:
                return
            if position < self.value:
                self.generation += 1
            self.value = position
            self.mark = (self.generation, position)
            ready = [w for w in self._waiters if w[0] <= position]
            if not ready:
                return
            self._waiters = [w for w in self._waiters if w[0] > position]
        for _, loop, future in ready:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(_resolve, future)

    async def wait(self, position: int, timeout: float) -> bool:
        """Wait until the value reaches `position`; False on timeout."""
        if self.value >= position:
            return True
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiter = (position, loop, future)
        with self._lock:
            if self.value >= position:
                return True
            self._waiters.append(waiter)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.value >= position


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def tracked_position(engine: Engine) -> int:
    """The lowest position all projections have processed, as the database says."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.min(tracking.c.position))) or 0)


def all_projections() -> list[Projection]:
    return [Records(), Candidacies(), History(), Credentials(), Audit()]


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
        self.observer: FollowerObserver | None = None  # given to every follower made here
        self.last_used = LastUsed(self.writer)  # notes credential use outside the log
        registry.on_credential_used = self.last_used
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.positions = PositionWatch()
        interval = settings.audit_checkpoint_interval
        self.checkpoints = Checkpointer(self.writer, settings.audit_signer(), interval)

    def start(self) -> None:
        """Migrate the read models; start the follower and sweeper threads when configured."""
        schema.upgrade(self.writer, self.settings)
        self._new_follower()
        if self.settings.run_projections:
            assert self.follower is not None
            self.positions.set(self.follower.position)
            self.positions.live = True
            self._spawn(self._follow, "projection-follower")
            self._spawn(self._sweep_loop, "expiry-sweeper")
            if self.settings.audit_checkpoint_interval > 0:
                self._spawn(self._checkpoint_loop, "audit-checkpoints")
        else:
            self.positions.set(tracked_position(self.writer))
            self._spawn(self._watch_positions, "read-position-watch")

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _follow(self) -> None:
        while not self._stop.is_set():
            follower = self.follower or self._new_follower()
            try:
                read = follower.run_once()
                self.positions.set(follower.position)  # also after a catch-up elsewhere
                if read:
                    continue
                if self._rewound(follower):
                    # A rebuild switched a projection in at an earlier position: reload.
                    self.follower = None
            except TrackingConflict:
                log.warning("another follower advanced the projections; reloading positions")
                self.follower = None
            except (SQLAlchemyError, PersistenceError):
                # The database is unreachable or failed: nothing was applied; try again.
                log.exception("projection batch failed; retrying")
                self.follower = None
            self._wake.wait(self.settings.poll_interval)
            self._wake.clear()

    def _rewound(self, follower: Follower) -> bool:
        names = [p.name for p in follower.projections]
        with self.writer.connect() as conn:
            lowest = conn.scalar(
                select(func.min(tracking.c.position)).where(tracking.c.projection.in_(names))
            )
        return int(lowest or 0) < follower.position

    def _watch_positions(self) -> None:
        """Projections run in another process: follow its commits (LISTEN on PostgreSQL,
        re-reading `tracking` every poll interval as a backstop; a poll alone on SQLite)."""
        while not self._stop.is_set():
            try:
                if self.settings.is_postgres:
                    self._listen()
                else:
                    self.positions.live = True
                    self.positions.set(tracked_position(self.writer))
                    self._stop.wait(self.settings.poll_interval)
            except (SQLAlchemyError, psycopg.Error):
                log.exception("lost track of the read models' position; retrying")
                self.positions.live = False
                self._stop.wait(1.0)
        self.positions.live = False

    def _listen(self) -> None:
        url = self.writer.url
        parts = {
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "password": url.password,
            "dbname": url.database,
        }
        info = psycopg.conninfo.make_conninfo(
            "", **{k: v for k, v in parts.items() if v is not None}
        )
        prefix = f"{self.settings.read_schema}:"
        with psycopg.connect(info, autocommit=True) as conn:
            conn.execute(f'LISTEN "{POSITION_CHANNEL}"')
            try:
                while not self._stop.is_set():
                    # Listening first, then reading: no commit can fall in between.
                    self.positions.set(tracked_position(self.writer))
                    self.positions.live = True
                    for note in conn.notifies(timeout=self.settings.poll_interval):
                        if note.payload.startswith(prefix):
                            self.positions.set(int(note.payload[len(prefix) :]))
                        if self._stop.is_set():
                            break
            finally:
                self.positions.live = False

    def _new_follower(self) -> Follower:
        self.follower = Follower(self.registry, self.writer, all_projections())
        self.follower.observer = self.observer
        return self.follower

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.settings.sweep_interval):
            expired = self.sweep(self.registry.now())
            if expired:
                log.info("expiry sweep recorded %d expired title(s)", expired)

    def _checkpoint_loop(self) -> None:
        while not self._stop.wait(min(self.settings.audit_checkpoint_interval, 1.0)):
            self.checkpoints.when_due(self.registry.now())

    def poke(self) -> None:
        """Tell the follower there is something new to read."""
        self._wake.set()

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until every projection has processed `position`; False on timeout.

        Woken by the in-process follower or by the worker's notifications when this
        process has them (`positions.live`), else polling the tracking table."""
        if self.positions.value >= position:
            return True
        self.poke()
        if self.positions.live and (self.settings.run_projections or self.settings.is_postgres):
            return await self.positions.wait(position, timeout)
        deadline = time.monotonic() + timeout
        while True:
            current = await asyncio.to_thread(self.position)
            self.positions.set(current)
            if current >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            self.poke()
            await asyncio.sleep(0.005)

    def position(self) -> int:
        """The lowest position all projections have processed."""
        if self.settings.run_projections and self.follower is not None:
            return self.follower.position
        return tracked_position(self.writer)  # projections run in another process

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

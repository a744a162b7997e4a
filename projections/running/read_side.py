"""The read side as the service sees it: engines, the in-process follower, waiting for positions."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import datetime

import psycopg
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncEngine

from projections.audit.signed_checkpoints import Checkpointer
from projections.audit.tree import Audit
from projections.candidacies import Candidacies
from projections.credentials import Credentials, LastUsed
from projections.enterprises import Enterprises
from projections.history import History
from projections.machinery import schema
from projections.machinery.base import Projection
from projections.machinery.engines import async_engine, libpq_conninfo, sync_engine
from projections.machinery.follower import Follower, FollowerObserver, TrackingConflict
from projections.machinery.outages import Pacer
from projections.machinery.positions import PositionWatch, tracked_state
from projections.notice_log import NoticeLog
from projections.records import Records
from projections.running.webhooks import keep_dispatching
from projections.search import Search
from projections.search_queries import database_problem
from projections.status_history import StatusHistory
from projections.tables import candidacies, tracking
from projections.webhooks.subscriptions import Subscriptions
from registry.application import LeaderRegistry
from registry.settings import Settings

log = logging.getLogger(__name__)
# The projection worker's commits reach API processes on this channel (PostgreSQL only):
# a trigger on `tracking` (migrations 0005, 0007) notifies "SCHEMA:POSITION", the lowest
# position of the running projections, or "SCHEMA:POSITION:NAME,NAME" naming halted ones.
POSITION_CHANNEL = "leader_registry_read"


def all_projections() -> list[Projection]:
    return [
        Records(),
        Candidacies(),
        History(),
        Credentials(),
        Audit(),
        StatusHistory(),
        Enterprises(),
        Search(),
        NoticeLog(),
        Subscriptions(),
    ]


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
        registry.use_vault_on(self.writer, settings)  # report keys live beside the read models
        registry.use_webhook_secrets_on(self.writer, settings)  # and webhook secrets
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.positions = PositionWatch()
        # Whichever thread this process runs notices an outage first (the server drops its
        # connection), and that it is over.
        self._follow_pacer = Pacer("projection follower", log)
        self._watch_pacer = Pacer("following the read models' position", log, 0.5, 2.0)
        interval = settings.audit_checkpoint_interval
        self.checkpoints = Checkpointer(self.writer, settings.audit_signer(), interval)

    def start(self) -> None:
        """Migrate the read models; start the follower and sweeper threads when configured."""
        schema.upgrade(self.writer, self.settings)
        with self.writer.connect() as conn:
            problem = database_problem(conn)
        if problem is not None:
            log.warning("search: %s (see ARCHITECTURE.md, Search)", problem)
        self._new_follower()
        if self.settings.run_projections:
            assert self.follower is not None
            self.positions.set(self.follower.position)
            self.positions.live = True
            self._spawn(self._follow, "projection-follower")
            self._spawn(self._sweep_loop, "expiry-sweeper")
            if self.settings.audit_checkpoint_interval > 0:
                self._spawn(self._checkpoint_loop, "audit-checkpoints")
            if self.settings.run_webhooks and not self.settings.is_postgres:
                self._spawn(self._dispatch_webhooks, "webhook-dispatcher")
        else:
            self._track(*tracked_state(self.writer))
            self._spawn(self._watch_positions, "read-position-watch")

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _track(self, position: int, halted: frozenset[str]) -> None:
        self.positions.halted = halted
        self.positions.set(position)

    @property
    def unreachable(self) -> bool:
        """Whether the database was found unreachable by the last try of this process's
        follower or position watch (each tries again within seconds)."""
        return self._follow_pacer.down or self._watch_pacer.down

    @property
    def halted(self) -> frozenset[str]:
        """The names of the halted projections, as this process last heard."""
        if self.settings.run_projections and self.follower is not None:
            return frozenset(self.follower.halts)
        return self.positions.halted

    def _follow(self) -> None:
        # A handler's error halts only its projection (inside the follower); whatever else
        # fails here (an outage, a bug) is logged once and retried: this thread never ends.
        pacer = self._follow_pacer
        while not self._stop.is_set():
            pause = self.settings.poll_interval
            try:
                follower = self.follower or self._new_follower()
                read = follower.run_once()
                self._track(follower.position, frozenset(follower.halts))
                pacer.succeeded()
                if read:
                    continue
                if self._rewound(follower):
                    # A rebuild switched a projection in at an earlier position: reload.
                    self.follower = None
            except TrackingConflict:
                log.warning("another follower advanced the projections; reloading positions")
                self.follower = None
            except Exception as error:  # noqa: BLE001 - logged by the pacer; retried
                pause = max(pacer.failed(error), pause)
                self.follower = None
            self._wake.wait(pause)
            self._wake.clear()

    def _rewound(self, follower: Follower) -> bool:
        """Whether a projection's tracked position went back (a rebuild switched it in)."""
        with self.writer.connect() as conn:
            rows = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
        return any(int(rows.get(name, 0)) < at for name, at in follower.positions.items())

    def _watch_positions(self) -> None:
        """Projections run in another process: follow its commits (LISTEN on PostgreSQL,
        re-reading `tracking` every poll interval as a backstop; a poll alone on SQLite)."""
        pacer = self._watch_pacer
        while not self._stop.is_set():
            try:
                if self.settings.is_postgres:
                    self._listen(pacer)
                else:
                    self._track(*tracked_state(self.writer))
                    self.positions.live = True
                    pacer.succeeded()
                    self._stop.wait(self.settings.poll_interval)
            except Exception as error:  # noqa: BLE001 - logged by the pacer; retried
                self.positions.live = False
                self._stop.wait(pacer.failed(error))
        self.positions.live = False

    def _listen(self, pacer: Pacer) -> None:
        info = libpq_conninfo(self.writer.url)
        prefix = f"{self.settings.read_schema}:"
        with psycopg.connect(info, autocommit=True) as conn:
            conn.execute(f'LISTEN "{POSITION_CHANNEL}"')
            try:
                while not self._stop.is_set():
                    # Listening first, then reading: no commit can fall in between.
                    self._track(*tracked_state(self.writer))
                    self.positions.live = True
                    pacer.succeeded()
                    for note in conn.notifies(timeout=self.settings.poll_interval):
                        if note.payload.startswith(prefix):
                            position, _, halted = note.payload[len(prefix) :].partition(":")
                            self._track(int(position), frozenset(filter(None, halted.split(","))))
                        if self._stop.is_set():
                            break
            finally:
                self.positions.live = False

    def _new_follower(self) -> Follower:
        self.follower = Follower(self.registry, self.writer, all_projections())
        self.follower.observer = self.observer
        return self.follower

    def _sweep_loop(self) -> None:
        pause = self.settings.sweep_interval
        pacer = Pacer("expiry sweep", log, first=min(1.0, pause), most=pause)
        while not self._stop.wait(pause):
            pause = self.settings.sweep_interval
            try:
                expired = self.sweep(self.registry.now())
                pacer.succeeded()
            except Exception as error:  # noqa: BLE001 - logged by the pacer; retried
                pause = pacer.failed(error)
                continue
            if expired:
                log.info("expiry sweep recorded %d expired title(s)", expired)

    def _checkpoint_loop(self) -> None:
        pacer = Pacer("audit checkpoint", log, first=1.0)
        pause = min(self.settings.audit_checkpoint_interval, 1.0)
        while not self._stop.wait(pause):
            pause = min(self.settings.audit_checkpoint_interval, 1.0)
            try:
                self.checkpoints.when_due(self.registry.now())
                pacer.succeeded()
            except Exception as error:  # noqa: BLE001 - logged by the pacer; retried
                pause = pacer.failed(error)

    def _dispatch_webhooks(self) -> None:
        keep_dispatching(self.settings, self._stop, self.registry)

    def poke(self) -> None:
        """Tell the follower there is something new to read."""
        self._wake.set()

    async def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until every running projection has processed `position`; False on timeout.

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
        """The lowest position the running projections have processed."""
        if self.settings.run_projections and self.follower is not None:
            return self.follower.position
        position, halted = tracked_state(self.writer)  # projections run in another process
        self.positions.halted = halted
        return position

    def sweep(self, now: datetime) -> int:
        """Record the expiry of every title whose validity ended before `now`, and erase the
        personal data of reports past the retention period."""
        self.registry.erase_expired_personal_data()
        return expire_due(self.writer, self.registry, now)

    async def close(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            await asyncio.to_thread(thread.join, 10)
        await asyncio.to_thread(self.last_used.drain)
        await self.engine.dispose()
        self.writer.dispose()

"""The webhook dispatcher: every matching public event to every active subscription, in log
order per subscription (one delivery in flight each), many subscriptions at once.

Each subscription's cursor (`webhook_cursors`) is the last position delivered or passed over;
it moves in the same transaction as the delivery log row that moved it, by compare-and-set
on its old position and replay version, so a dispatcher that lost its leadership (or a
replay requested meanwhile) can never move it wrongly. After a crash the next dispatcher
starts at the cursor: the event in flight is delivered again, with the same `webhook-id`
(`{subscription id}_{position}`), at least once. Failures wait with exponential backoff
and jitter (or `Retry-After` on 429 and 503); an event undelivered for WEBHOOK_RETRY_DAYS,
or an answer 410 Gone, disables the subscription (an event the subscriber sees), which
resuming restarts at the same event.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.limits import WEBHOOK_RETRY_DAYS
from domain.subscription import ACTIVE
from projections import queries
from projections.event_filters import EventFilter
from projections.tables import events, subscriptions, webhook_cursors, webhook_deliveries
from projections.webhooks.delivery import Attempt, Sender, backoff
from registry.application import LeaderRegistry

log = logging.getLogger(__name__)
s, c = subscriptions.c, webhook_cursors.c
BATCH = 500  # events read at once for one subscription
# Successful deliveries logged (and the cursor moved) together: at most this many, or after
# this long. A crash before that delivers them again (at least once, same webhook-ids).
FLUSH, FLUSH_SECONDS = 100, 1.0
GIVE_UP = timedelta(days=WEBHOOK_RETRY_DAYS)
GONE = "the endpoint answered 410 Gone"
EXPIRED = f"no event could be delivered for {WEBHOOK_RETRY_DAYS} days"


@dataclass
class Cursor:
    """Where one subscription's delivery stands."""

    position: int
    replay_version: int
    attempts: int
    failing_since: datetime | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class Logged:
    """One attempt, for the delivery log."""

    position: int
    number: int  # 1 for the first attempt at the event
    attempt: Attempt
    at: datetime
    next_attempt_at: datetime | None

    def row(self, subscription_id: str) -> dict[str, Any]:
        return dict(
            subscription_id=subscription_id,
            position=self.position,
            webhook_id=webhook_id(subscription_id, self.position),
            attempt=self.number,
            status_code=self.attempt.status_code,
            error=self.attempt.error,
            latency_ms=self.attempt.latency_ms,
            attempted_at=self.at,
            next_attempt_at=self.next_attempt_at,
        )


def webhook_id(subscription_id: str, position: int) -> str:
    """The same for every attempt (and replay) of one event to one subscription."""
    return f"{subscription_id}_{position}"


class Dispatcher:
    """Delivers from the read models through `sender`; `registry` tells the time, keeps the
    secrets and records disablements."""

    def __init__(self, engine: AsyncEngine, registry: LeaderRegistry, sender: Sender) -> None:
        self.engine = engine
        self.registry = registry
        self.sender = sender
        self.running: dict[str, asyncio.Task[None]] = {}
        self.delivered = 0  # successful deliveries since start (the bench reads it)

    async def run(self, stop: threading.Event, poll: float) -> None:
        """Start due subscriptions until `stop` is set; woken when one's batch ends."""
        try:
            while not stop.is_set():
                await self.tick()
                pending = set(self.running.values())
                if pending:
                    await asyncio.wait(pending, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
                else:
                    await asyncio.sleep(poll)
        finally:
            for task in self.running.values():
                task.cancel()
            await asyncio.gather(*self.running.values(), return_exceptions=True)

    async def tick(self) -> int:
        """Start a delivery task for every active subscription that is due; how many."""
        for key, task in list(self.running.items()):
            if task.done():
                del self.running[key]
                if not task.cancelled() and (error := task.exception()) is not None:
                    raise error
        now = self.registry.now()
        query = (
            select(subscriptions, c.subscription_id.label("has_cursor"), *_cursor_columns())
            .select_from(subscriptions.outerjoin(webhook_cursors, c.subscription_id == s.id))
            .where(s.status == ACTIVE)
        )
        async with self.engine.connect() as conn:
            head = int((await conn.execute(select(func.max(events.c.position)))).scalar() or 0)
            rows = (await conn.execute(query)).all()
        started = 0
        for row in rows:
            if row.id in self.running:
                continue
            cursor = await self._cursor(row)
            if cursor is None or cursor.position >= head or not _due(row, cursor, now):
                continue  # nothing new for it, or not yet
            self.running[row.id] = asyncio.create_task(self._deliver(row, cursor))
            started += 1
        return started

    async def _cursor(self, row: Any) -> Cursor | None:
        """The subscription's cursor: made at its start, set back by a replay."""
        if row.has_cursor is None:
            values = dict(
                subscription_id=row.id,
                position=row.start_after,
                replay_version=row.replay_version,
                attempts=0,
            )
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(insert(webhook_cursors).values(**values))
            except IntegrityError:
                return None  # another dispatcher made it: next tick
            return Cursor(row.start_after, row.replay_version, 0, None, None)
        if row.replay_version > row.cursor_replay_version:
            async with self.engine.begin() as conn:
                done = await conn.execute(
                    update(webhook_cursors)
                    .where(
                        c.subscription_id == row.id,
                        c.replay_version == row.cursor_replay_version,
                    )
                    .values(
                        position=row.replay_after,
                        replay_version=row.replay_version,
                        attempts=0,
                        failing_since=None,
                        next_attempt_at=None,
                    )
                )
            if not done.rowcount:
                return None
            return Cursor(row.replay_after, row.replay_version, 0, None, None)
        return Cursor(
            row.cursor_position,
            row.cursor_replay_version,
            row.attempts,
            row.failing_since,
            row.next_attempt_at,
        )

    async def _deliver(self, row: Any, cursor: Cursor) -> None:
        """Deliver one batch of the subscription's events, in order, stopping at a failure.
        Successes are logged (and the cursor moved) FLUSH at a time, or every FLUSH_SECONDS."""
        secret = await asyncio.to_thread(self.registry.subscription_secret, row.id)
        if secret is None:
            return
        where = EventFilter.from_dict(row.filters).where()
        async with self.engine.connect() as conn:
            head = int((await conn.execute(select(func.max(events.c.position)))).scalar() or 0)
            items = await queries.feed(
                conn, *where, events.c.position <= head, after=cursor.position, limit=BATCH
            )
        if not items:
            if head > cursor.position:  # nothing matched up to the head: pass over it
                await self._save(row.id, cursor, head, [])
            return
        pending: list[Logged] = []
        number, flushed = cursor.attempts + 1, time.monotonic()
        for item in items:
            position = item["position"]
            key = webhook_id(row.id, position)
            attempt = await self.sender.send(
                row.url, secret, key, orjson.dumps(item), self.registry.now()
            )
            if attempt.delivered:
                pending.append(Logged(position, number, attempt, self.registry.now(), None))
                number = 1
                if len(pending) >= FLUSH or time.monotonic() - flushed >= FLUSH_SECONDS:
                    if not await self._save(row.id, cursor, position, pending):
                        return
                    pending, flushed = [], time.monotonic()
                    if not await self._still_active(row.id):
                        return  # paused, disabled or deleted meanwhile
                continue
            if pending and not await self._save(row.id, cursor, pending[-1].position, pending):
                return
            await self._failed(row, cursor, position, attempt)
            return
        if pending:
            await self._save(row.id, cursor, pending[-1].position, pending)

    async def _still_active(self, subscription_id: str) -> bool:
        async with self.engine.connect() as conn:
            status = await conn.scalar(select(s.status).where(s.id == subscription_id))
        return bool(status == ACTIVE)

    async def _failed(self, row: Any, cursor: Cursor, position: int, attempt: Attempt) -> None:
        now = self.registry.now()
        since = cursor.failing_since or now
        if row.resumed_at is not None and row.resumed_at > since:
            since = row.resumed_at  # resumed after giving up: another WEBHOOK_RETRY_DAYS
        attempts = cursor.attempts + 1
        reason = GONE if attempt.gone else EXPIRED if now - since >= GIVE_UP else ""
        retry = now + (attempt.retry_after or backoff(attempts))
        logged = [Logged(position, attempts, attempt, now, retry)]
        saved = await self._save(row.id, cursor, cursor.position, logged, (attempts, since, retry))
        if saved and reason:
            log.info("disabling subscription %s: %s", row.id, reason)
            await asyncio.to_thread(self.registry.disable_subscription, row.id, reason=reason)

    async def _save(
        self,
        subscription_id: str,
        cursor: Cursor,
        position: int,
        logged: list[Logged],
        failing: tuple[int, datetime, datetime] | None = None,
    ) -> bool:
        """Move the cursor to `position` (compare-and-set), with the failure state `failing`
        (attempts, since, next attempt; None: not failing), and log the attempts, in one
        transaction; False if another dispatcher or a replay moved the cursor first."""
        attempts, since, retry = failing or (0, None, None)
        async with self.engine.begin() as conn:
            done = await conn.execute(
                update(webhook_cursors)
                .where(
                    c.subscription_id == subscription_id,
                    c.position == cursor.position,
                    c.replay_version == cursor.replay_version,
                )
                .values(
                    position=position,
                    attempts=attempts,
                    failing_since=since,
                    next_attempt_at=retry,
                )
            )
            if not done.rowcount:
                await conn.rollback()
                return False
            if logged:
                await conn.execute(
                    insert(webhook_deliveries), [e.row(subscription_id) for e in logged]
                )
        cursor.position, cursor.attempts = position, attempts
        cursor.failing_since, cursor.next_attempt_at = since, retry
        self.delivered += sum(1 for e in logged if e.attempt.delivered)
        return True


def _cursor_columns() -> list[Any]:
    return [
        c.position.label("cursor_position"),
        c.replay_version.label("cursor_replay_version"),
        c.attempts,
        c.failing_since,
        c.next_attempt_at,
    ]


def _due(row: Any, cursor: Cursor, now: datetime) -> bool:
    """Whether the subscription's next attempt may be made now."""
    if cursor.next_attempt_at is None or cursor.next_attempt_at <= now:
        return True
    # Resumed since it began failing: try at once.
    return bool(
        row.resumed_at is not None
        and cursor.failing_since is not None
        and row.resumed_at >= cursor.failing_since
    )

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
BATCH = 100  # events read at once for one subscription
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
            rows = (await conn.execute(query)).all()
        started = 0
        for row in rows:
            if row.id in self.running:
                continue
            cursor = await self._cursor(row)
            if cursor is None or not _due(row, cursor, now):
                continue
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
        """Deliver one batch of the subscription's events, in order, stopping at a failure."""
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
                await self._record(row.id, cursor, head, None)
            return
        for item in items:
            body = orjson.dumps(item)
            key = webhook_id(row.id, item["position"])
            attempt = await self.sender.send(row.url, secret, key, body, self.registry.now())
            if attempt.delivered:
                number = cursor.attempts + 1
                if not await self._record(row.id, cursor, item["position"], attempt, number):
                    return
                self.delivered += 1
                continue
            await self._failed(row, cursor, item["position"], attempt)
            return

    async def _failed(self, row: Any, cursor: Cursor, position: int, attempt: Attempt) -> None:
        now = self.registry.now()
        since = cursor.failing_since or now
        if row.resumed_at is not None and row.resumed_at > since:
            since = row.resumed_at  # resumed after giving up: another WEBHOOK_RETRY_DAYS
        cursor.attempts += 1
        cursor.failing_since = since
        reason = GONE if attempt.gone else EXPIRED if now - since >= GIVE_UP else ""
        cursor.next_attempt_at = now + (attempt.retry_after or backoff(cursor.attempts))
        recorded = await self._record(
            row.id, cursor, cursor.position, attempt, cursor.attempts, tried=position
        )
        if recorded and reason:
            log.info("disabling subscription %s: %s", row.id, reason)
            await asyncio.to_thread(self.registry.disable_subscription, row.id, reason=reason)

    async def _record(
        self,
        subscription_id: str,
        cursor: Cursor,
        new_position: int,
        attempt: Attempt | None,
        number: int = 0,
        *,
        tried: int = 0,
    ) -> bool:
        """Move the cursor (compare-and-set) and log attempt `number` (at event `tried` when it
        failed), in one transaction; False if another dispatcher or a replay moved it first."""
        delivered = attempt is None or attempt.delivered
        values: dict[str, Any] = dict(position=new_position)
        if delivered:
            values |= dict(attempts=0, failing_since=None, next_attempt_at=None)
        else:
            values |= dict(
                attempts=cursor.attempts,
                failing_since=cursor.failing_since,
                next_attempt_at=cursor.next_attempt_at,
            )
        async with self.engine.begin() as conn:
            done = await conn.execute(
                update(webhook_cursors)
                .where(
                    c.subscription_id == subscription_id,
                    c.position == cursor.position,
                    c.replay_version == cursor.replay_version,
                )
                .values(**values)
            )
            if not done.rowcount:
                await conn.rollback()
                return False
            if attempt is not None:
                position = new_position if delivered else tried
                await conn.execute(
                    insert(webhook_deliveries).values(
                        subscription_id=subscription_id,
                        position=position,
                        webhook_id=webhook_id(subscription_id, position),
                        attempt=number,
                        status_code=attempt.status_code,
                        error=attempt.error,
                        latency_ms=attempt.latency_ms,
                        attempted_at=self.registry.now(),
                        next_attempt_at=None if delivered else cursor.next_attempt_at,
                    )
                )
        if delivered:
            cursor.attempts, cursor.failing_since, cursor.next_attempt_at = 0, None, None
        cursor.position = new_position
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

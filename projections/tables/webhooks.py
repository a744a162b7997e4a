"""Webhook subscriptions (private) and the dispatcher's cursors and delivery log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import ID, TS, metadata

# Private: webhook subscriptions (Subscription events), their subscriber's to read; no secret.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("filters", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # active, paused, disabled, deleted
    Column("disabled_reason", Text, nullable=False),
    Column("start_after", BigInteger, nullable=False),  # the position deliveries start after
    Column("replay_after", BigInteger),  # the last replay's start, and its event's version
    Column("replay_version", Integer, nullable=False),
    Column("resumed_at", TS),
    Column("created_at", TS, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_subscriptions_owner", "owner", "created_at"),
)

# Not read models: the webhook dispatcher's state (`projections.webhooks`). Each
# subscription's cursor (the last position delivered or passed over) changes in the same
# transaction as the delivery log row that moved it, like a projection's tracking position.
webhook_cursors = Table(
    "webhook_cursors",
    metadata,
    Column("subscription_id", ID, primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("replay_version", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),  # failed attempts at the next event
    Column("failing_since", TS),
    Column("next_attempt_at", TS),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("subscription_id", ID, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("webhook_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer),  # None: no answer (refused, timed out, unreachable)
    Column("error", Text, nullable=False),
    Column("latency_ms", Integer, nullable=False),
    Column("attempted_at", TS, nullable=False),
    Column("next_attempt_at", TS),
    Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
)

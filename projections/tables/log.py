"""The log as the read side follows it: each projection's position, the public events
and what they concern."""

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

from projections.tables.columns import CATEGORY, ID, TS, metadata

tracking = Table(
    "tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    # Set while the projection is halted (projections/machinery/halts.py): the event it
    # cannot apply.
    Column("halted_at", BigInteger),
    Column("halted_event", Text),
    Column("halted_error", Text),
    Column("halted_since", TS),
)

events = Table(
    "events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("aggregate_id", ID, nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("aggregate_type", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("timestamp", TS, nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("actor_subject", Text, nullable=False),
    Column("actor_credential_id", String(36), nullable=False, server_default=""),
    Column("request_id", String(64), nullable=False, server_default=""),
    Column("credit_code", String(18)),
    Column("candidacy_id", ID),
    # The category, evaluation body and scheme the event concerns, if any (the filters').
    Column("category", CATEGORY),
    Column("body_id", ID),
    Column("scheme_id", ID),
    Column("data", JSON, nullable=False),
    Index("ix_events_credit_code", "credit_code", "position"),
    Index("ix_events_candidacy", "candidacy_id", "position"),
    Index("ix_events_category", "category", "position"),
    Index("ix_events_body", "body_id", "position"),
    Index("ix_events_scheme", "scheme_id", "position"),
)

# Which enterprise, candidacy, category, body and scheme an aggregate's events belong to.
subjects = Table(
    "subjects",
    metadata,
    Column("aggregate_id", ID, primary_key=True),
    Column("credit_code", String(18)),
    Column("candidacy_id", ID),
    Column("category", CATEGORY),
    Column("body_id", ID),
    Column("scheme_id", ID),
)

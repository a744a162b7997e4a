"""Every status each record held, one row per period."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
)

from projections.tables.columns import ID, TS, metadata

# Every status each record held, one row per period (projections/status_history.py): the
# open period is keyed by the record's id, a closed one by "id@position it began".
status_history = Table(
    "status_history",
    metadata,
    Column("period_id", String(64), primary_key=True),
    Column("record_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    # A candidacy's complaints open during the period, and its title's validity: what its
    # displayed status (under_complaint, expired) depends on at a moment.
    Column("open_complaints", Integer, nullable=False),
    Column("valid_until", TS),
    Column("began_at", TS, nullable=False),
    Column("began_position", BigInteger, nullable=False),
    Column("ended_at", TS),
    Column("ended_position", BigInteger),
    # A record's period at a moment; the records of a kind that held a status from a moment.
    Index("ix_status_history_record", "record_id", "began_at"),
    Index("ix_status_history_kind_status", "kind", "status", "began_at"),
    # The changes of the lists since a log position (projections/leader_changes.py).
    Index("ix_status_history_kind_position", "kind", "began_position"),
)

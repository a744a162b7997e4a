"""Complaints (public fields) and public reports (the regulator's desk, private)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import ID, TS, metadata

complaints = Table(
    "complaints",
    metadata,
    Column("id", ID, primary_key=True),
    Column("candidacy_id", ID, nullable=False, index=True),
    Column("complainant_kind", String(32), nullable=False),
    Column("grounds", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("status", String(32), nullable=False),
    Column("findings", Text, nullable=False),
    Column("filed_by_role", String(32), nullable=False),
    Column("filed_by_subject", Text, nullable=False),
    Column("filed_at", TS, nullable=False),
    Column("decided_by_role", String(32)),
    Column("decided_by_subject", Text),
    Column("decided_at", TS),
    Column("version", Integer, nullable=False),
    # The investigation step (who and when), and the enterprise's statement in answer.
    Column("investigated_by_role", String(32)),
    Column("investigated_by_subject", Text),
    Column("investigated_at", TS),
    Column("statement", Text, nullable=False, server_default=""),
    Column("answered_at", TS),
    Column("report_id", ID),  # the public report it was opened from
    # The complaints list: newest filed first, overall and by status.
    Index("ix_complaints_filed", "filed_at", "id"),
    Index("ix_complaints_status_filed", "status", "filed_at"),
)

# Public reports as the regulator's desk reads them (private: never a public read). No
# personal data: that stays sealed in the log (`registry.sealing`). A report about a leader
# takes its region from the leader's list (`projections.desk`).
reports = Table(
    "reports",
    metadata,
    Column("id", ID, primary_key=True),
    Column("target_kind", String(16), nullable=False),
    Column("target", String(36), nullable=False),  # a candidacy's id or a credit code
    Column("candidacy_id", ID),
    Column("region", String(6)),  # a report about an enterprise: its registration's region
    Column("grounds", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("duplicate_of", ID),
    Column("outcome", Text, nullable=False),
    Column("complaint_id", ID),
    Column("received_at", TS, nullable=False),
    Column("dealt_at", TS),
    Column("dealt_by_subject", Text),
    Column("version", Integer, nullable=False),
    # The desk: oldest received first.
    Index("ix_reports_received", "received_at", "id"),
)

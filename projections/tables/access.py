"""Credentials (private) and access grants (public)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import ID, TS, metadata

# Private: who holds which role. Never the token's hash; not in the public feed.
# `last_used_at` is the one column not derived from the log: operational metadata that
# `projections.credentials.LastUsed` writes (a rebuild starts it again from empty).
credentials = Table(
    "credentials",
    metadata,
    Column("id", ID, primary_key=True),
    Column("role", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("created_by_role", String(32), nullable=False),
    Column("created_by_subject", Text, nullable=False),
    Column("expires_at", TS),
    Column("revoked_at", TS),
    Column("revocation_reason", Text, nullable=False),
    Column("replaces", ID),
    Column("replaced_by", ID),
    Column("last_used_at", TS),
    Column("version", Integer, nullable=False),
    # A regulator's jurisdiction ("" for other roles; national for older regulators').
    Column("region", String(6), nullable=False, server_default=""),
    Index("ix_credentials_role_subject", "role", "subject"),
)

# Public: who may act as whom (AccessGrant events), one row per credential; no token, no hash.
grants = Table(
    "grants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("credential_id", ID, nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("issued_at", TS, nullable=False),
    Column("issued_by_role", String(32), nullable=False),
    Column("issued_by_subject", Text, nullable=False),
    Column("expires_at", TS),
    Column("replaces", ID),
    Column("revoked_at", TS),
    Column("revoked_by_role", String(32)),
    Column("revoked_by_subject", Text),
    Column("revocation_reason", Text),
    Column("version", Integer, nullable=False),
    Index("ix_grants_role_subject", "role", "subject"),
)

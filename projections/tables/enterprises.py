"""Enterprises: one row per credit code, and its names over time."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import TS, metadata

# One row per enterprise (credit code) that has declared: its name and region as of its
# latest declaration (the `enterprises` projection).
enterprises = Table(
    "enterprises",
    metadata,
    Column("credit_code", String(18), primary_key=True),
    Column("name", Text, nullable=False),
    Column("region", String(6), nullable=False),
    Column("declarations", Integer, nullable=False),
    Column("first_declared_at", TS, nullable=False),
    Column("last_declared_at", TS, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_enterprises_region", "region", "credit_code"),
)

# Every declaration's enterprise as declared, in log order: an enterprise's names over
# time (first and last used, as of any moment) are a GROUP BY over its rows.
enterprise_names = Table(
    "enterprise_names",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("credit_code", String(18), nullable=False),
    Column("name", Text, nullable=False),
    Column("region", String(6), nullable=False),
    Column("declared_at", TS, nullable=False),
    Index("ix_enterprise_names_credit_code", "credit_code", "position"),
)

"""The notice log: every notice as it was given, and the feeds' counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import CATEGORY, ID, TS, metadata


def _notice_subject() -> list[Column[Any]]:
    """A candidacy as a notice names it (fresh columns: each table needs its own)."""
    return [
        Column("scheme_id", ID, nullable=False),
        Column("credit_code", String(18), nullable=False),
        Column("category", CATEGORY, nullable=False),
        Column("enterprise_name", Text, nullable=False),
        Column("product_name", Text, nullable=False),
        Column("product_model", Text, nullable=False),
        Column("standard_number", Text, nullable=False),
        Column("cycle", Integer, nullable=False),
        Column("level", String(16), nullable=False),
        Column("rank", Integer),
    ]


# The notice log (projections/notice_log.py): every notice as it was given, in log order,
# never changed once written: the Atom feeds' entries and their archive pages. `seq` counts
# the notices from the first (1, 2, ...), `category_seq`, `enterprise_seq` and `scheme_seq`
# within the notice's category, enterprise and scheme, so a feed's fixed-size pages are ranges.
notice_log = Table(
    "notice_log",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("candidacy_id", ID, nullable=False),
    *_notice_subject(),
    Column("at", TS, nullable=False),
    Column("until", TS),  # a window's end; a title's validity
    Column("reason", Text),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("category_seq", BigInteger, nullable=False),
    Column("enterprise_seq", BigInteger, nullable=False),
    Column("scheme_seq", BigInteger, nullable=False),
    Index("ix_notice_log_category", "category", "category_seq"),
    Index("ix_notice_log_enterprise", "credit_code", "enterprise_seq"),
    Index("ix_notice_log_scheme", "scheme_id", "scheme_seq"),
)

# What the notice log says of a candidacy, from its entry (the later events do not repeat
# it): what each of its notices repeats.
notice_subjects = Table(
    "notice_subjects",
    metadata,
    Column("candidacy_id", ID, primary_key=True),
    *_notice_subject(),
)

# How many notices each feed holds so far: "all", "category:CODE", "enterprise:CODE",
# "scheme:ID".
notice_counts = Table(
    "notice_counts",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("notices", BigInteger, nullable=False),
)

"""notice log: every notice as it was given, in log order, for the Atom feeds

Three tables of the `notice_log` projection (projections/notice_log.py): `notice_log` (one
row per notice, keyed by its event's position), `notice_subjects` (a candidacy as entered)
and `notice_counts` (the notices each feed holds so far). A new projection: the follower
builds it from the first event.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.tables import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _subject() -> list[sa.Column[object]]:
    """A candidacy as a notice names it (fresh columns for each table)."""
    return [
        sa.Column("scheme_id", sa.String(36), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("enterprise_name", sa.Text(), nullable=False),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("product_model", sa.Text(), nullable=False),
        sa.Column("standard_number", sa.Text(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "notice_log",
        sa.Column("position", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("candidacy_id", sa.String(36), nullable=False),
        *_subject(),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("category_seq", sa.BigInteger(), nullable=False),
        sa.Column("enterprise_seq", sa.BigInteger(), nullable=False),
        sa.Column("scheme_seq", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_notice_log_category", "notice_log", ["category", "category_seq"])
    op.create_index("ix_notice_log_enterprise", "notice_log", ["credit_code", "enterprise_seq"])
    op.create_index("ix_notice_log_scheme", "notice_log", ["scheme_id", "scheme_seq"])
    op.create_table(
        "notice_subjects",
        sa.Column("candidacy_id", sa.String(36), primary_key=True),
        *_subject(),
    )
    op.create_table(
        "notice_counts",
        sa.Column("feed", sa.Text(), primary_key=True),
        sa.Column("notices", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notice_counts")
    op.drop_table("notice_subjects")
    op.drop_index("ix_notice_log_scheme", table_name="notice_log")
    op.drop_index("ix_notice_log_enterprise", table_name="notice_log")
    op.drop_index("ix_notice_log_category", table_name="notice_log")
    op.drop_table("notice_log")

"""categories: the catalogue of category codes and their names; schemes by category

Revision ID: 0010
Revises: 0009

Filled by the `records` projection from `Category` events, which earlier releases did not
record: the table starts empty. The index serves each category's count of schemes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("defined_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("renamed_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_schemes_category", "schemes", ["category"])


def downgrade() -> None:
    op.drop_index("ix_schemes_category", table_name="schemes")
    op.drop_table("categories")

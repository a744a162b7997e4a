"""search: one document per enterprise, declaration, evaluation body and scheme

Revision ID: 0013
Revises: 0012

Filled by the `search` projection (projections/search.py) from the start of the log: a new
projection starts at position 0, so the follower fills these tables after the upgrade.
On PostgreSQL `grams` is a `text[]` under a GIN index; on SQLite it stays empty.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES: dict[str, list[sa.Column[Any] | sa.PrimaryKeyConstraint]] = {
    "search_enterprises": [
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("credit_code"),
    ],
    "search_declarations": [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("standard_number", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ],
    "search_bodies": [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ],
    "search_schemes": [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ],
}


def upgrade() -> None:
    for name, columns in TABLES.items():
        op.create_table(
            name,
            *columns,
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("grams", projections.tables.Grams(), nullable=True),
        )
        op.create_index(f"ix_{name}_grams", name, ["grams"], postgresql_using="gin")


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_index(f"ix_{name}_grams", table_name=name)
        op.drop_table(name)

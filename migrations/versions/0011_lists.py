"""status_history: every status each record held, and when; indexes serving the lists

Filled by the `status_history` projection, which starts at position 0 on an existing store
and replays the log (its rows are derived from the events alone). The indexes serve the
lists' filters and orders (GET /v1/schemes, /v1/declarations, /v1/candidacies, ...).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, index name, columns) serving the lists' filters and stable orders.
INDEXES: list[tuple[str, str, list[str]]] = [
    ("declarations", "ix_declarations_declared", ["declared_at", "id"]),
    ("declarations", "ix_declarations_category_declared", ["category", "declared_at"]),
    ("declarations", "ix_declarations_status_declared", ["status", "declared_at"]),
    ("declarations", "ix_declarations_standard_number", ["standard_number"]),
    ("declarations", "ix_declarations_product_model", ["product_model"]),
    ("schemes", "ix_schemes_drafted", ["drafted_at", "id"]),
    ("schemes", "ix_schemes_status_drafted", ["status", "drafted_at"]),
    ("candidacies", "ix_candidacies_entered", ["entered_at", "id"]),
    ("candidacies", "ix_candidacies_status_entered", ["status", "entered_at"]),
    ("complaints", "ix_complaints_filed", ["filed_at", "id"]),
    ("complaints", "ix_complaints_status_filed", ["status", "filed_at"]),
]


def upgrade() -> None:
    op.create_table(
        "status_history",
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_complaints", sa.Integer(), nullable=False),
        sa.Column("valid_until", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("began_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("began_position", sa.BigInteger(), nullable=False),
        sa.Column("ended_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("ended_position", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("period_id"),
    )
    op.create_index("ix_status_history_record", "status_history", ["record_id", "began_at"])
    op.create_index(
        "ix_status_history_kind_status", "status_history", ["kind", "status", "began_at"]
    )
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_status_history_kind_status", table_name="status_history")
    op.drop_index("ix_status_history_record", table_name="status_history")
    op.drop_table("status_history")

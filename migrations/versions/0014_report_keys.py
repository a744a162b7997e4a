"""report_keys: each public report's key, destroyed to erase its personal data

Not a read model: the registry writes it (`registry.report_vault`) when a report is filed,
before its events, and sets `key` to NULL to erase the report's personal data (after the
retention period or on request). Nothing rebuilds it from the log.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_keys",
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_index(
        "ix_report_keys_duplicates",
        "report_keys",
        ["target", "fingerprint", "received_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_report_keys_duplicates", table_name="report_keys")
    op.drop_table("report_keys")

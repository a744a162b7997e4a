"""desk: a complaint's investigation, the enterprise's statement and the report it came
from; a regulator's region; public reports as the desk reads them

Revision ID: 0015
Revises: 0014

New columns: complaints filed before hold no investigation, statement or report, and
credentials issued before hold no region ("", national for a regulator). The `reports` table
is filled by the `records` projection from Report events (private: the desk alone reads it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COMPLAINT_COLUMNS = ("investigated_by_role", "investigated_by_subject", "investigated_at")


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("investigated_by_role", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("investigated_by_subject", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("investigated_at", projections.tables.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("statement", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("answered_at", projections.tables.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("report_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(
            sa.Column("region", sa.String(length=6), nullable=False, server_default="")
        )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=36), nullable=False),
        sa.Column("candidacy_id", sa.String(length=36), nullable=True),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("grounds", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=True),
        sa.Column("received_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("dealt_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("dealt_by_subject", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reports_received", "reports", ["received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_reports_received", table_name="reports")
    op.drop_table("reports")
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("region")
    with op.batch_alter_table("complaints") as batch:
        for name in ("report_id", "answered_at", "statement", *reversed(COMPLAINT_COLUMNS)):
            batch.drop_column(name)

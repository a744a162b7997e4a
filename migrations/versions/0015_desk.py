"""desk: a complaint's investigation and the enterprise's statement; a regulator's region

Revision ID: 0015
Revises: 0014

New columns only: complaints filed before hold no investigation or statement, and
credentials issued before hold no region ("", national for a regulator).
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
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(
            sa.Column("region", sa.String(length=6), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("region")
    with op.batch_alter_table("complaints") as batch:
        for name in ("answered_at", "statement", *reversed(COMPLAINT_COLUMNS)):
            batch.drop_column(name)

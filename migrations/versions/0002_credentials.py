"""credentials: the private list of issued credentials (never a token or its hash)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:53:59.990811

The table starts empty: the follower registers the new `credentials` projection at
position 0 and fills it from the whole event log, the other projections staying where
they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("created_by_role", sa.String(length=32), nullable=False),
        sa.Column("created_by_subject", sa.Text(), nullable=False),
        sa.Column("expires_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=False),
        sa.Column("replaces", sa.String(length=36), nullable=True),
        sa.Column("replaced_by", sa.String(length=36), nullable=True),
        sa.Column("last_used_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_credentials_role_subject", "credentials", ["role", "subject"])


def downgrade() -> None:
    op.drop_index("ix_credentials_role_subject", table_name="credentials")
    op.drop_table("credentials")
    # The projection's position would otherwise claim rows that no longer exist.
    op.execute(sa.text("DELETE FROM tracking WHERE projection = 'credentials'"))

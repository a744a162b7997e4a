"""grants: the public record of who may act as whom (one row per credential)

Revision ID: 0009
Revises: 0008

Filled by the `records` projection from `AccessGrant` events, which are recorded with every
credential event from this release on; earlier events hold none, so the table starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("issued_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("issued_by_role", sa.String(length=32), nullable=False),
        sa.Column("issued_by_subject", sa.Text(), nullable=False),
        sa.Column("expires_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("replaces", sa.String(length=36), nullable=True),
        sa.Column("revoked_at", projections.tables.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_role", sa.String(length=32), nullable=True),
        sa.Column("revoked_by_subject", sa.Text(), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    op.create_index("ix_grants_role_subject", "grants", ["role", "subject"])


def downgrade() -> None:
    op.drop_index("ix_grants_role_subject", table_name="grants")
    op.drop_table("grants")

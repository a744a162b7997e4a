"""event actors: the credential and request behind each event in the histories

Rows projected before this revision show empty values until `leader-registry rebuild history`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:12:06.545390
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "actor_credential_id", sa.String(length=36), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("request_id", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("request_id")
        batch_op.drop_column("actor_credential_id")

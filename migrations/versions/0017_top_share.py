"""top share: a scheme's leaders as the top share (a percentage) of its ranked entries

`schemes.top_share` (the percentage as text) is set for a scheme drafted with a share, whose
`top_n` is then NULL; schemes drafted before keep their `top_n`.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("top_share", sa.Text(), nullable=True))
        batch_op.alter_column("top_n", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.alter_column("top_n", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("top_share")

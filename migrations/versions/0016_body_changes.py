"""body changes: an evaluation body's suspensions, reinstatements and changes of categories

`bodies.changes` (JSON, oldest first) is filled by the `records` projection from the
`EvaluationBody` events. Bodies projected before this revision show no earlier suspension
(its reason) until `leader-registry rebuild records`.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("changes")

"""status positions: the periods of a kind in log order, for the lists' changes since a position

`GET /v1/leaders/changes?since=N` reads the candidacies' periods that began after N
(`projections/leader_changes.py`), a range of this index.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_status_history_kind_position", "status_history", ["kind", "began_position"])


def downgrade() -> None:
    op.drop_index("ix_status_history_kind_position", table_name="status_history")

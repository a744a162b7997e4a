"""audit leaf format 2: checkpoints name their leaf format, retired keys their last tree

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:40:00.000000

Leaf format 2 (docs/audit.md) publishes a private event's header instead of a bare leaf
hash, so every private leaf changes. The stored tree is emptied and the `audit` projection
rebuilds it from the whole event log (its position set back to 0);
`leader-registry rebuild audit` does the same in shadow tables while reads go on. The
checkpoints signed before keep their format (`leaf_version` 1): they stay published, and
verifiers compare only checkpoints of the current format. A retired key gets the largest
tree it may vouch for: the largest checkpoint it signed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leaf_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.drop_constraint("uq_audit_checkpoints_size_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_audit_checkpoints_size_key_version", ["tree_size", "key_id", "leaf_version"]
        )
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.alter_column("leaf_version", server_default=None)
    op.add_column("audit_keys", sa.Column("retired_tree_size", sa.BigInteger(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE audit_keys SET retired_tree_size = (SELECT coalesce(max(c.tree_size), 0) "
            "FROM audit_checkpoints c WHERE c.key_id = audit_keys.key_id) "
            "WHERE retired_at IS NOT NULL"
        )
    )
    _rebuild_tree()


def downgrade() -> None:
    op.drop_column("audit_keys", "retired_tree_size")
    op.execute(sa.text("DELETE FROM audit_checkpoints WHERE leaf_version <> 1"))
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_checkpoints_size_key_version", type_="unique")
        batch_op.create_unique_constraint("uq_audit_checkpoints_size_key", ["tree_size", "key_id"])
        batch_op.drop_column("leaf_version")
    _rebuild_tree()


def _rebuild_tree() -> None:
    """Empty the tree; the follower builds it again, in the format of the code that runs."""
    op.execute(sa.text("DELETE FROM audit_nodes"))
    op.execute(sa.text("DELETE FROM audit_leaves"))
    # Back to the start (kept, not deleted, so that `rebuild audit` can move it on).
    op.execute(sa.text("UPDATE tracking SET position = 0 WHERE projection = 'audit'"))

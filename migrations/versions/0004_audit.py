"""audit: the Merkle tree over the event log, its signed checkpoints and the signing keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 03:10:00.000000

The leaves and nodes start empty: the follower registers the new `audit` projection at
position 0 and builds the tree from the whole event log. Checkpoints and keys are not
derived from the log; a downgrade drops them for good.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HASH = sa.LargeBinary(length=32)


def upgrade() -> None:
    op.create_table(
        "audit_leaves",
        sa.Column("leaf_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("leaf_index"),
        sa.UniqueConstraint("position"),
    )
    op.create_table(
        "audit_nodes",
        sa.Column("node_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("node_id"),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", HASH, nullable=False),
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", projections.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tree_size", "key_id", name="uq_audit_checkpoints_size_key"),
    )
    op.create_index("ix_audit_checkpoints_tree_size", "audit_checkpoints", ["tree_size"])
    op.create_table(
        "audit_keys",
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", HASH, nullable=False),
        sa.Column("created_at", projections.tables.UTCDateTime(), nullable=False),
        sa.Column("retired_at", projections.tables.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("audit_keys")
    op.drop_index("ix_audit_checkpoints_tree_size", table_name="audit_checkpoints")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_nodes")
    op.drop_table("audit_leaves")
    # The projection's position would otherwise claim rows that no longer exist.
    op.execute(sa.text("DELETE FROM tracking WHERE projection = 'audit'"))

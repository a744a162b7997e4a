"""The audit log's tree, checkpoints and keys."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from domain.limits import MAX_NAME
from projections.tables.columns import TS, metadata

# The audit log (docs/audit.md). Leaves and nodes are derived from the log (the `audit`
# projection); checkpoints and keys are signed statements about it and are never rebuilt.
HASH = LargeBinary(32)

audit_leaves = Table(
    "audit_leaves",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False, unique=True),
    Column("hash", HASH, nullable=False),
)

# Complete subtrees above the leaves: 2**level leaves from leaf index * 2**level, keyed
# by node_id = index * 64 + level.
audit_nodes = Table(
    "audit_nodes",
    metadata,
    Column("node_id", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", HASH, nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", BigInteger, nullable=False, index=True),
    Column("root_hash", HASH, nullable=False),
    Column("key_id", String(8), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("leaf_version", Integer, nullable=False),  # projections.audit.leaves.LEAF_VERSION
    UniqueConstraint(
        "tree_size", "key_id", "leaf_version", name="uq_audit_checkpoints_size_key_version"
    ),
)

audit_keys = Table(
    "audit_keys",
    metadata,
    Column("key_id", String(8), primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),  # checked by registry.signed_notes
    Column("public_key", HASH, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("retired_at", TS),
    Column("retired_tree_size", BigInteger),  # the largest tree a retired key vouches for
)

"""The `audit` projection: every event of the log as a leaf of an RFC 9162 Merkle tree.

Each event adds its leaf hash and the complete subtrees it closes (on average one), in the
follower's transaction; roots and proofs at any size are then a handful of lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, select, union_all

from domain import merkle
from projections.audit.stored_leaves import leaf_bytes
from projections.machinery.base import Projection
from projections.machinery.rows import Rows
from projections.machinery.stored import Stored
from projections.tables import audit_leaves, audit_nodes

T = TypeVar("T")


class TreeDamaged(Exception):
    """A subtree hash the tree needs is missing from the audit tables."""


def node_id(level: int, index: int) -> int:
    """The key of a subtree above the leaves (levels are below 64)."""
    return index << 6 | level


def nodes_query(keys: Iterable[tuple[int, int]]) -> Select[Any]:
    """(node id, hash) of the given (level, index) subtrees, leaves included (as level 0)."""
    keys = list(keys)
    leaf_ids = [index for level, index in keys if level == 0]
    node_ids = [node_id(level, index) for level, index in keys if level > 0]
    leaves = select((audit_leaves.c.leaf_index * 64).label("node_id"), audit_leaves.c.hash)
    nodes = select(audit_nodes.c.node_id, audit_nodes.c.hash)
    return (
        union_all(
            leaves.where(audit_leaves.c.leaf_index.in_(leaf_ids)),
            nodes.where(audit_nodes.c.node_id.in_(node_ids)),
        )
        .subquery()
        .select()
    )


def lookup_from(rows: Iterable[Any]) -> merkle.Lookup:
    found = {(int(key) & 63, int(key) >> 6): bytes(h) for key, h in rows}

    def lookup(level: int, index: int) -> bytes:
        try:
            return found[level, index]
        except KeyError:
            raise TreeDamaged(f"the audit tree lacks the subtree ({level}, {index})") from None

    return lookup


def evaluate(conn: Connection, compute: Callable[[merkle.Lookup], T]) -> T:
    """Run a root or proof computation over the stored tree, in one query."""
    keys = merkle.needed(compute)
    return compute(lookup_from(conn.execute(nodes_query(keys)).all() if keys else []))


def tree_size(conn: Connection) -> int:
    last = conn.scalar(select(func.max(audit_leaves.c.leaf_index)))
    return 0 if last is None else int(last) + 1


def load_frontier(conn: Connection, size: int) -> dict[int, bytes]:
    """The complete subtrees on the right edge of the stored tree of `size` leaves."""
    lookup = lookup_from(conn.execute(nodes_query(merkle.frontier_levels(size))).all())
    return {level: lookup(level, index) for level, index in merkle.frontier_levels(size)}


class Audit(Projection):
    """Leaf hashes in log order and the complete subtrees above them."""

    name = "audit"
    uses_rows = True  # the batch's rows are inserted in bulk when it ends
    reads_stored = True  # a leaf holds every field: see projections/machinery/stored.py
    tables = (audit_leaves, audit_nodes)

    def __init__(self) -> None:
        # The tree's size and right edge as of this batch's own writes. Another batch (the
        # next one, or one after a rollback) reloads them from the database.
        self._batch: Rows | None = None
        self._size = 0
        self._frontier: dict[int, bytes] = {}

    def wants(self, topic: str) -> bool:
        return True  # every event is a leaf

    def handle(self, rows: Rows, event: Stored, position: int) -> None:
        if rows is not self._batch:
            self._size = tree_size(rows.conn)
            self._frontier = load_frontier(rows.conn, self._size)
            self._batch = rows
        leaf = merkle.leaf_hash(leaf_bytes(event))
        rows.insert(audit_leaves, {"leaf_index": self._size, "position": position, "hash": leaf})
        for level, index, h in merkle.append(self._frontier, self._size, leaf):
            rows.insert(audit_nodes, {"node_id": node_id(level, index), "hash": h})
        self._size += 1

"""Public reads of the audit log: checkpoints, keys, inclusion and consistency proofs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import merkle
from domain.errors import InvalidInput, NotFound
from projections.audit.leaves import LEAF_VERSION
from projections.audit.signed_checkpoints import checkpoint_record, key_record
from projections.audit.tree import lookup_from, nodes_query
from projections.tables import audit_checkpoints, audit_keys, audit_leaves
from registry.signed_notes import b64

T = TypeVar("T")


async def evaluate(conn: AsyncConnection, compute: Callable[[merkle.Lookup], T]) -> T:
    """A root or proof over the stored tree, with one query."""
    keys = merkle.needed(compute)
    rows = (await conn.execute(nodes_query(keys))).all() if keys else []
    return compute(lookup_from(rows))


async def tree_size(conn: AsyncConnection) -> int:
    last = await conn.scalar(select(func.max(audit_leaves.c.leaf_index)))
    return 0 if last is None else int(last) + 1


async def checkpoints(conn: AsyncConnection, *, after: int, limit: int) -> dict[str, Any]:
    """Signed checkpoints, oldest first, after the tree size `after`."""
    c = audit_checkpoints.c
    rows = await conn.execute(
        select(audit_checkpoints)
        .where(c.tree_size > after)
        .order_by(c.tree_size, c.id)
        .limit(limit)
    )
    items = [checkpoint_record(r) for r in rows]
    return {"items": items, "tree_size": await tree_size(conn)}


async def latest_checkpoint(conn: AsyncConnection) -> dict[str, Any]:
    """The checkpoint of the largest tree of the current leaf format (an older format's
    checkpoints sign another tree; they stay in the list)."""
    c = audit_checkpoints.c
    latest = (
        select(audit_checkpoints)
        .where(c.leaf_version == LEAF_VERSION)
        .order_by(c.tree_size.desc(), c.id.desc())
        .limit(1)
    )
    row = (await conn.execute(latest)).first()
    if row is None:
        raise NotFound("no checkpoint has been signed yet")
    return checkpoint_record(row)


async def keys(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(select(audit_keys).order_by(audit_keys.c.created_at))
    return [key_record(r) for r in rows]


async def _size_at_most_tree(conn: AsyncConnection, size: int, field: str) -> None:
    current = await tree_size(conn)
    if size > current:
        raise InvalidInput(f"the tree has {current} leaves, not {size}", field=field)


async def inclusion(conn: AsyncConnection, *, position: int, size: int) -> dict[str, Any]:
    """The audit path of the event at `position` in the tree of `size` leaves."""
    query = select(audit_leaves).where(audit_leaves.c.position == position)
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound(f"no event at position {position} in the audit tree", field="position")
    index = int(row.leaf_index)
    if index >= size:
        raise InvalidInput(
            f"the event is leaf {index}: it is in trees of {index + 1} leaves or more",
            field="tree_size",
        )
    await _size_at_most_tree(conn, size, "tree_size")
    path, root = await evaluate(
        conn, lambda lookup: (merkle.inclusion_path(lookup, index, size), merkle.root(lookup, size))
    )
    return {
        "position": position,
        "leaf_index": index,
        "tree_size": size,
        "leaf_hash": b64(bytes(row.hash)),
        "root_hash": b64(root),
        "audit_path": [b64(h) for h in path],
    }


async def consistency(conn: AsyncConnection, *, first: int, second: int) -> dict[str, Any]:
    """The proof that the tree of `first` leaves is a prefix of the tree of `second`."""
    if first > second:
        raise InvalidInput("first must not exceed second", field="first")
    await _size_at_most_tree(conn, second, "second")

    def compute(lookup: merkle.Lookup) -> tuple[list[bytes], bytes, bytes]:
        proof = merkle.consistency_proof(lookup, first, second)
        return proof, merkle.root(lookup, first), merkle.root(lookup, second)

    proof, first_root, second_root = await evaluate(conn, compute)
    return {
        "first": first,
        "second": second,
        "first_root": b64(first_root),
        "second_root": b64(second_root),
        "proof": [b64(h) for h in proof],
    }

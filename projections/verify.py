"""Online verification: recompute the tree from the event store and compare it with the
audit projection's leaves and the signed checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from domain import merkle
from domain.notes import NoteError, Verifier, open_checkpoint
from projections.audit import TreeDamaged, evaluate, tree_size
from projections.leaves import leaf_bytes
from projections.tables import audit_checkpoints, audit_keys, audit_leaves
from registry.base import RegistryBase
from registry.log import notifications_after


@dataclass
class Report:
    """What a verification found; `position` is the first event position that does not match."""

    leaves: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    position: int | None = None
    unordered: list[int] = field(default_factory=list)  # export lines out of order

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str, position: int | None = None) -> None:
        self.problems.append(message)
        if self.position is None and position is not None:
            self.position = position


def log_leaves(registry: RegistryBase, report: Report) -> Iterator[tuple[int, bytes]]:
    """(position, leaf hash) recomputed from each stored event; one that no longer decodes
    gets a hash no leaf can have, and a note."""
    position = 0
    while True:
        batch = notifications_after(registry.recorder, position, 1000)
        if not batch:
            return
        for n in batch:
            try:
                leaf = leaf_bytes(registry.mapper.to_domain_event(n), n.id)
            except Exception as error:  # noqa: BLE001 - any damage to a row is a finding
                report.notes.append(f"position {n.id}: the stored event does not decode ({error})")
                yield n.id, b"undecodable"
                continue
            yield n.id, merkle.leaf_hash(leaf)
        position = batch[-1].id


def stored_leaves(engine: Engine, batch: int = 5000) -> Iterator[tuple[int, bytes]]:
    """(position, leaf hash) of the audit tree's leaves, in leaf order."""
    after = -1
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(audit_leaves.c.leaf_index, audit_leaves.c.position, audit_leaves.c.hash)
                .where(audit_leaves.c.leaf_index > after)
                .order_by(audit_leaves.c.leaf_index)
                .limit(batch)
            ).all()
        if not rows:
            return
        yield from ((int(r.position), bytes(r.hash)) for r in rows)
        after = int(rows[-1].leaf_index)


def signed_checkpoints(engine: Engine, report: Report) -> dict[int, list[bytes]]:
    """Tree size -> signed roots of the stored checkpoints whose signature verifies."""
    with engine.connect() as conn:
        keys = [Verifier(r.name, bytes(r.public_key)) for r in conn.execute(select(audit_keys))]
        rows = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.tree_size))
        found: dict[int, list[bytes]] = {}
        for row in rows:
            try:
                checkpoint, _ = open_checkpoint(row.note, keys)
            except NoteError as error:
                report.fail(f"checkpoint of {row.tree_size} leaves: {error.message}")
                continue
            if checkpoint.size != row.tree_size or checkpoint.root != bytes(row.root_hash):
                report.fail(
                    f"checkpoint of {row.tree_size} leaves: its columns differ from its note"
                )
            found.setdefault(checkpoint.size, []).append(checkpoint.root)
            report.checkpoints += 1
    return found


def _compare(
    report: Report, i: int, log: tuple[int, bytes] | None, tree: tuple[int, bytes]
) -> None:
    position, _ = tree
    if log is None or log[0] > position:
        report.fail(f"position {position} (leaf {i}): missing from the event store", position)
    elif log[0] < position:
        report.fail(f"position {log[0]} (leaf {i}): in the event store, not in the tree", log[0])
    elif log[1] != tree[1]:
        report.fail(f"position {position} (leaf {i}): the stored event was changed", position)


def verify_store(registry: RegistryBase, engine: Engine) -> Report:
    """Recompute every leaf from the event store; compare leaves, roots and checkpoints."""
    report = Report()
    checkpoints = signed_checkpoints(engine, report)
    with engine.connect() as conn:
        size = tree_size(conn)
    events = log_leaves(registry, report)
    frontier: dict[int, bytes] = {}
    count, last_good = 0, 0
    leaves = stored_leaves(engine)
    for i in range(max(size, max(checkpoints, default=0))):
        tree = next(leaves, None)
        log = next(events, None)
        if tree is not None and report.position is None:
            _compare(report, i, log, tree)
        if log is None:
            break
        merkle.append(frontier, count, log[1])
        count += 1
        for signed in checkpoints.get(count, []):
            if signed != merkle.frontier_root(frontier):
                report.fail(
                    f"checkpoint of {count} leaves does not match the event store "
                    f"(a leaf from leaf {last_good} on differs)"
                )
            else:
                last_good = count
    for n in sorted(checkpoints):
        if n > count:
            report.fail(f"checkpoint of {n} leaves: the event store holds only {count} events")
    _check_stored_root(engine, report, size, count, frontier)
    report.leaves = count
    behind = sum(1 for _ in events)
    if behind:
        report.notes.append(f"{behind} event(s) after the tree's last leaf, not yet projected")
    return report


def _check_stored_root(
    engine: Engine, report: Report, size: int, count: int, frontier: dict[int, bytes]
) -> None:
    if count != size or not report.ok:
        return
    try:
        with engine.connect() as conn:
            stored: Any = evaluate(conn, lambda lookup: merkle.root(lookup, size))
    except TreeDamaged as error:
        report.fail(str(error))
        return
    if stored != merkle.frontier_root(frontier):
        report.fail("the audit tree's stored subtree hashes disagree with its leaves")

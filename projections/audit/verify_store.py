"""Online verification: recompute the tree from the event store and compare it with the
audit projection's leaves and the signed checkpoints.

Every row of the event table is either a leaf or a finding: rows at positions the log never
assigns (0 and below) are reported, as the application would load them as versions of
their records. The positions themselves are checked as far as the store guarantees them:
SQLite numbers rows 1, 2, 3... without gaps (a rolled-back insert takes no number), so a
hole means rows were deleted; PostgreSQL's sequence may skip numbers (a rolled-back insert
takes one), so there only a row beyond the sequence's last number is reported (an insert
with a chosen position). Both stores refuse duplicate positions (a unique index).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier
from sqlalchemy import Engine, select

from domain import merkle
from projections.audit.leaves import LEAF_VERSION, leaf_bytes
from projections.audit.signed_checkpoints import stored_verifier
from projections.audit.tree import TreeDamaged, evaluate, tree_size
from projections.tables import audit_checkpoints, audit_keys, audit_leaves
from registry.base import RegistryBase
from registry.event_log import notifications_after
from registry.signed_notes import NoteError, open_checkpoint


@dataclass
class Report:
    """What a verification found; `position` is the lowest event position that does not
    match (export lines out of order aside)."""

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
        if position is not None and (self.position is None or position < self.position):
            self.position = position


def rows_outside_the_log(registry: RegistryBase, report: Report) -> None:
    """Report every event row at a position of 0 or below: no leaf can cover it."""
    start: int | None = None
    while True:
        batch = registry.recorder.select_notifications(start=start, limit=1000, stop=0)
        for n in batch:
            report.fail(
                f"position {n.id}: an event row outside the log (positions start at 1), "
                f"version {n.originator_version} of record {n.originator_id} ({n.topic}): "
                "the application loads it, the tree cannot cover it",
                n.id,
            )
        if len(batch) < 1000:
            return
        start = batch[-1].id + 1


def _check_numbering(previous: int, n: Notification, gapless: bool, report: Report) -> None:
    if gapless and n.id != previous + 1:
        where = f"position {previous + 1}" + (f" to {n.id - 1}" if n.id > previous + 2 else "")
        report.fail(
            f"{where}: no event row, where SQLite numbers events without gaps (rows were deleted)",
            previous + 1,
        )


def log_leaves(registry: RegistryBase, report: Report) -> Iterator[tuple[int, bytes]]:
    """(position, leaf hash) recomputed from each stored event; one that no longer decodes
    gets a hash no leaf can have, and a note. On SQLite, holes in the numbering are found."""
    gapless = not isinstance(registry.recorder, PostgresApplicationRecorder)
    position = 0
    while True:
        batch = notifications_after(registry.recorder, position, 1000)
        if not batch:
            return
        for n in batch:
            _check_numbering(position, n, gapless, report)
            position = n.id
            try:
                leaf = leaf_bytes(registry.mapper.to_domain_event(n), n.id)
            except Exception as error:  # noqa: BLE001 - any damage to a row is a finding
                report.notes.append(f"position {n.id}: the stored event does not decode ({error})")
                yield n.id, b"undecodable"
                continue
            yield n.id, merkle.leaf_hash(leaf)


def beyond_the_sequence(registry: RegistryBase, report: Report) -> None:
    """PostgreSQL: a row above the last number the position sequence gave was inserted with
    a position of its own choosing."""
    recorder = registry.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        return
    datastore = recorder.datastore
    table = SQL("{}.{}").format(
        Identifier(datastore.schema), Identifier(recorder.events_table_name)
    )
    query = SQL(
        "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'notification_id')) AS last, "
        "(SELECT max(notification_id) FROM {}) AS highest"
    ).format(table)
    name = f'"{datastore.schema}"."{recorder.events_table_name}"'
    with datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, (name,))
        row = cursor.fetchone()
    assert row is not None  # an aggregate query has one row
    last, highest = row["last"], row["highest"]
    if highest is not None and highest > (last or 0):
        report.fail(
            f"position {highest}: beyond the last position the store assigned ({last or 0}): "
            "an event row inserted with a chosen position",
            highest,
        )


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
        keys = [stored_verifier(r) for r in conn.execute(select(audit_keys))]
        rows = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.tree_size))
        found: dict[int, list[bytes]] = {}
        older = 0
        for row in rows:
            if row.leaf_version != LEAF_VERSION:  # it signed a tree of other leaves
                older += 1
                continue
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
    if older:
        report.notes.append(f"{older} checkpoint(s) of an older leaf format not compared")
    return found


def _compare(
    report: Report, i: int, log: tuple[int, bytes] | None, tree: tuple[int, bytes]
) -> bool:
    """Does the stored event match leaf `i` of the tree? A mismatch is reported."""
    position, _ = tree
    if log is None or log[0] > position:
        report.fail(f"position {position} (leaf {i}): missing from the event store", position)
    elif log[0] < position:
        report.fail(f"position {log[0]} (leaf {i}): in the event store, not in the tree", log[0])
    elif log[1] != tree[1]:
        report.fail(f"position {position} (leaf {i}): the stored event was changed", position)
    else:
        return True
    return False


def verify_store(registry: RegistryBase, engine: Engine) -> Report:
    """Recompute every leaf from the event store; compare leaves, roots and checkpoints."""
    report = Report()
    rows_outside_the_log(registry, report)
    checkpoints = signed_checkpoints(engine, report)
    with engine.connect() as conn:
        size = tree_size(conn)
    events = log_leaves(registry, report)
    frontier: dict[int, bytes] = {}
    count, last_good, matching = 0, 0, True
    leaves = stored_leaves(engine)
    for i in range(max(size, max(checkpoints, default=0))):
        tree = next(leaves, None)
        log = next(events, None)
        if tree is not None and matching:  # after the first mismatch, all are shifted
            matching = _compare(report, i, log, tree)
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
    beyond_the_sequence(registry, report)
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

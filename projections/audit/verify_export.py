"""Offline verification: an exported event log against the published, signed checkpoints.

Every checkpoint's signature is checked with the published keys and its root recomputed
from the export. When a root differs, consistency proofs (if the log can be asked for them)
find the first leaf that differs by binary search: a prefix of the export is intact exactly
when the log proves its root consistent with the signed one. The log's own leaf at that
index, proven by an inclusion proof, names the position the export does not match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from domain import merkle
from projections.audit.export import LineError, line_leaf_hash
from projections.audit.leaves import LEAF_VERSION
from projections.audit.verify_store import Report
from registry.signed_notes import Checkpoint, NoteError, Verifier, open_checkpoint

REFUSED = b"refused line"  # the hash kept for a refused line: no leaf has it


class LogSource(Protocol):
    """What the log answers about itself (GET /v1/audit/proofs/... and the export)."""

    def consistency(self, first: int, second: int) -> list[bytes]:
        """The consistency proof between two tree sizes."""
        ...

    def next_leaf(self, after: int, size: int) -> tuple[int, bytes, int, list[bytes]] | None:
        """(position, leaf hash, leaf index, inclusion path in the tree of `size` leaves) of
        the log's first event after position `after`, or None."""
        ...


def read_export(lines: Iterable[bytes], report: Report) -> tuple[list[int], list[bytes]]:
    """Positions and leaf hashes of the export's lines, checking their form and order (a
    line out of order names no position yet: the proofs, if any, find the first leaf that
    differs). A line that is not a leaf is refused, naming its position."""
    positions: list[int] = []
    hashes: list[bytes] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\n")
        if not line:
            continue
        try:
            position, leaf = line_leaf_hash(line)
        except LineError as error:
            report.fail(f"line {number} is refused: {error}", error.position)
            if error.position is None:
                break
            position, leaf = error.position, REFUSED
        if positions and position <= positions[-1]:
            report.fail(
                f"line {number}: position {position} after position {positions[-1]} "
                "(lines reordered, repeated or inserted)"
            )
            report.unordered.append(position)
        positions.append(position)
        hashes.append(leaf)
    return positions, hashes


def current_notes(checkpoints: Iterable[dict[str, Any]], report: Report) -> list[str]:
    """The notes of the checkpoints of this leaf format (as GET /v1/audit/checkpoints lists
    them); those of an older format sign a tree of other leaves and are left out, noted."""
    notes, older = [], 0
    for item in checkpoints:
        if int(item.get("leaf_version", 1)) == LEAF_VERSION:
            notes.append(str(item["note"]))
        else:
            older += 1
    if older:
        report.notes.append(
            f"{older} checkpoint(s) of an older leaf format not compared "
            f"(the export is in leaf format {LEAF_VERSION})"
        )
    return notes


def open_checkpoints(
    notes: Iterable[str], keys: list[Verifier], report: Report
) -> list[Checkpoint]:
    found = []
    for n, note in enumerate(notes, start=1):
        try:
            checkpoint, _ = open_checkpoint(note, keys)
        except NoteError as error:
            report.fail(f"checkpoint {n}: {error.message}")
            continue
        found.append(checkpoint)
        report.checkpoints += 1
    return sorted(found, key=lambda c: c.size)


def consistent(lookup: merkle.Lookup, size: int, checkpoint: Checkpoint, log: LogSource) -> bool:
    """Is the export's prefix of `size` leaves provably a prefix of the signed tree?"""
    proof = log.consistency(size, checkpoint.size)
    root = merkle.root(lookup, size)
    return merkle.verify_consistency(size, checkpoint.size, root, checkpoint.root, proof)


def first_bad_leaf(
    lookup: merkle.Lookup, good: int, bad: int, checkpoint: Checkpoint, log: LogSource
) -> int:
    """The index of the first leaf that differs, knowing the first `good` leaves match and
    the first `bad` do not."""
    lo, hi = good, bad
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if consistent(lookup, mid, checkpoint, log):
            lo = mid
        else:
            hi = mid
    return lo


def log_position(
    log: LogSource, index: int, after: int, checkpoint: Checkpoint
) -> tuple[int, bytes] | None:
    """(position, leaf hash) of the signed tree's leaf `index`, the log's next event after
    position `after`, if the log proves it is that leaf of the checkpoint's tree."""
    found = log.next_leaf(after, checkpoint.size)
    if found is None:
        return None
    position, leaf, leaf_index, path = found
    if leaf_index != index:
        return None
    if not merkle.verify_inclusion(leaf, index, checkpoint.size, path, checkpoint.root):
        return None
    return position, leaf


def _locate(
    report: Report,
    positions: list[int],
    lookup: merkle.Lookup,
    good: int,
    checkpoint: Checkpoint,
    log: LogSource,
) -> None:
    """Name the first leaf of the export that differs from the checkpoint's tree."""
    n, have = checkpoint.size, len(positions)
    if n > have and (have == 0 or consistent(lookup, have, checkpoint, log)):
        report.fail(f"checkpoint of {n} leaves: the export stops after {have} of them")
        return
    bad = first_bad_leaf(lookup, good, min(n, have), checkpoint, log)
    after = positions[bad - 1] if bad else 0
    found = log_position(log, bad, after, checkpoint)
    held = f"line {bad + 1} holds position {positions[bad]}"
    if found is None:
        message = f"leaf {bad} is the first that differs ({held})"
        report.fail(
            f"checkpoint of {n} leaves does not match the export: {message}", positions[bad]
        )
        return
    position, _ = found
    how = "changed" if positions[bad] == position else "missing or misplaced"
    report.fail(
        f"checkpoint of {n} leaves does not match the export: leaf {bad}, position {position}, "
        f"is {how} ({held})",
        position,
    )


def verify_export(
    lines: Iterable[bytes],
    notes: Iterable[str],
    keys: list[Verifier],
    log: LogSource | None = None,
) -> Report:
    """Check an export (JSON Lines, docs/audit.md) against signed checkpoint notes."""
    report = Report()
    checkpoints = open_checkpoints(notes, keys, report)
    positions, hashes = read_export(lines, report)
    report.leaves = len(hashes)
    lookup = merkle.in_memory(hashes)
    good = 0
    for checkpoint in checkpoints:
        n = checkpoint.size
        if n <= len(hashes) and merkle.root(lookup, n) == checkpoint.root:
            good = max(good, n)
            continue
        if log is not None:
            _locate(report, positions, lookup, good, checkpoint, log)
        elif n > len(hashes):
            report.fail(
                f"checkpoint of {n} leaves: the export holds {len(hashes)}; a line after "
                f"position {positions[good - 1] if good else 0} is missing, or it stops early"
            )
        else:
            report.fail(
                f"checkpoint of {n} leaves does not match the export: a leaf among positions "
                f"{positions[good]} to {positions[n - 1]} differs (ask the log for proofs "
                "to find which)"
            )
    if not checkpoints:
        report.fail("no checkpoint to verify the export against")
    if report.position is None and report.unordered:
        report.position = report.unordered[0]
    return report

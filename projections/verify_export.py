"""Offline verification: an exported event log against the published, signed checkpoints.

Every checkpoint's signature is checked with the published keys and its root recomputed
from the export. When a root differs, consistency proofs (if the log can be asked for them)
find the first leaf that differs by binary search: a prefix of the export is intact exactly
when the log proves its root consistent with the signed one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain import merkle
from domain.notes import Checkpoint, NoteError, Verifier, open_checkpoint
from projections.audit_log import line_leaf_hash
from projections.verify import Report

# proof(first, second): the log's consistency proof between two tree sizes.
ProofSource = Callable[[int, int], list[bytes]]


def read_export(lines: Iterable[bytes], report: Report) -> tuple[list[int], list[bytes]]:
    """Positions and leaf hashes of the export's lines, checking their order (a line out of
    order names no position yet: the proofs, if any, find the first leaf that differs)."""
    positions: list[int] = []
    hashes: list[bytes] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\n")
        if not line:
            continue
        try:
            position, leaf = line_leaf_hash(line)
        except ValueError as error:
            report.fail(f"line {number} is not a leaf: {error}")
            break
        if positions and position <= positions[-1]:
            report.fail(
                f"line {number}: position {position} after position {positions[-1]} "
                "(lines reordered, repeated or inserted)"
            )
            report.unordered.append(position)
        positions.append(position)
        hashes.append(leaf)
    return positions, hashes


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


def first_bad_leaf(
    lookup: merkle.Lookup, good: int, checkpoint: Checkpoint, proofs: ProofSource
) -> int:
    """The index of the first leaf that differs, knowing the first `good` leaves match."""
    lo, hi = good, checkpoint.size  # the prefix of lo leaves is intact, that of hi is not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        proof = proofs(mid, checkpoint.size)
        root = merkle.root(lookup, mid)
        if merkle.verify_consistency(mid, checkpoint.size, root, checkpoint.root, proof):
            lo = mid
        else:
            hi = mid
    return lo


def verify_export(
    lines: Iterable[bytes],
    notes: Iterable[str],
    keys: list[Verifier],
    proofs: ProofSource | None = None,
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
        if n > len(hashes):
            after = positions[-1] if positions else 0
            report.fail(f"checkpoint of {n} leaves: the export ends after {len(hashes)}", after + 1)
            continue
        if merkle.root(lookup, n) == checkpoint.root:
            good = max(good, n)
            continue
        if proofs is None:
            report.fail(
                f"checkpoint of {n} leaves does not match the export: a leaf among positions "
                f"{positions[good]} to {positions[n - 1]} differs (ask the log for proofs "
                "to find which)"
            )
            continue
        bad = first_bad_leaf(lookup, good, checkpoint, proofs)
        report.fail(
            f"checkpoint of {n} leaves does not match the export: leaf {bad} (line "
            f"{bad + 1}, position {positions[bad]}) is the first that differs",
            positions[bad],
        )
    if not checkpoints:
        report.fail("no checkpoint to verify the export against")
    if report.position is None and report.unordered:
        report.position = report.unordered[0]
    return report

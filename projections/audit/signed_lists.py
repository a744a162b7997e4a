"""Signed lists: a scheme's leader list or ranking, in JSON or CSV, tied to a checkpoint.

The statement is a signed note (docs/audit.md) naming the scheme, the list, the media type,
the time, the log position and the tree (size and root) the list was read at, and the
SHA-256 of the exact content bytes. The leader list holds only the titles in force at that
moment; CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import Conflict, NotFound
from projections import queries
from projections.audit.leaves import canonical_json
from projections.cells import neutralise
from projections.tables import audit_leaves, tracking
from registry.signed_notes import Signer, b64, sign_note

# v2: the leader list holds only titles in force; CSV cells are neutralised (docs/audit.md).
FORMAT = "leader-registry signed list v2"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
# The projections a list is read from: all must be at one position for the list to be exact.
SOURCES = ("records", "candidacies", "audit")
COLUMNS = {
    "leaders": ["rank", "score", "credit_code", "enterprise", "standard_number", "product",
                "model", "status", "awarded_at", "valid_until", "candidacy_id"],
    "ranking": ["rank", "score", "qualified", "credit_code", "enterprise", "standard_number",
                "product", "model", "status", "reason", "candidacy_id"],
}  # fmt: skip


# A title is in force while its display status is one of these (and it was awarded).
IN_FORCE = frozenset({"awarded", "under_complaint"})


class ListMoving(Conflict):
    """The read models kept changing while the list was read."""


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": entry["rank"],
        "score": entry["score"],
        "qualified": entry.get("qualified"),
        "credit_code": entry["enterprise"]["credit_code"],
        "enterprise": entry["enterprise"]["name"],
        "standard_number": entry["standard_number"],
        "product": entry["product"]["name"],
        "model": entry["product"]["model"],
        "status": entry["status"],
        "reason": entry.get("reason"),
        "awarded_at": entry["awarded_at"],
        "valid_until": entry["valid_until"],
        "candidacy_id": entry["candidacy_id"],
    }


def in_force(entry: dict[str, Any]) -> bool:
    """A title held at the list's moment: awarded, not revoked, expired or superseded."""
    return entry["awarded_at"] is not None and entry["status"] in IN_FORCE


def entries(ranking: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    if kind == "leaders":
        return [_row(e) for e in ranking["entries"] if in_force(e)]
    return [_row(e) for e in ranking["entries"] + ranking["not_ranked"]]


def render(scheme: dict[str, Any], kind: str, rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The list's exact bytes: canonical JSON, or CSV (RFC 4180, CRLF line ends, cells
    neutralised)."""
    if fmt == "json":
        head = {k: scheme[k] for k in ("id", "title", "category", "cycle", "level", "region")}
        picked = [{c: r[c] for c in COLUMNS[kind]} for r in rows]
        return canonical_json({"scheme": head, "list": kind, "entries": picked})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for r in rows:
        writer.writerow([neutralise(r[c]) for c in COLUMNS[kind]])
    return out.getvalue().encode("utf-8")


async def _positions(conn: AsyncConnection) -> dict[str, int]:
    found = await conn.execute(
        select(tracking.c.projection, tracking.c.position).where(tracking.c.projection.in_(SOURCES))
    )
    return {name: int(position) for name, position in found.all()}


async def read_list(
    conn: AsyncConnection, scheme_id: str, kind: str, fmt: str, now: datetime
) -> tuple[bytes, int, int]:
    """(content, log position, tree size) of one list, read at one position of the log."""
    for _ in range(20):
        before = await _positions(conn)
        ranking = await queries.ranking(conn, scheme_id, now=now)
        if ranking is None:
            raise NotFound(f"no scheme {scheme_id}")
        last = await conn.scalar(
            select(func.max(audit_leaves.c.leaf_index)).where(
                audit_leaves.c.position <= before.get("audit", 0)
            )
        )
        if len(set(before.values())) == 1 and await _positions(conn) == before:
            content = render(ranking["scheme"], kind, entries(ranking, kind), fmt)
            return content, before["audit"], 0 if last is None else int(last) + 1
    raise ListMoving("the read models are catching up; try again in a moment")


def statement(
    signer: Signer, scheme_id: str, kind: str, fmt: str, content: bytes, at: dict[str, Any]
) -> str:
    """The signed note over one list (`at`: position, taken_at, the checkpoint record)."""
    taken = at["taken_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = (
        f"{FORMAT}\norigin {signer.name}\nscheme {scheme_id}\nlist {kind}\n"
        f"media-type {MEDIA_TYPES[fmt]}\ntaken-at {taken}\nlog-position {at['position']}\n"
        f"tree-size {at['checkpoint']['tree_size']}\nroot-hash {at['checkpoint']['root_hash']}\n"
        f"content-sha256 {b64(hashlib.sha256(content).digest())}\n"
    )
    return sign_note(body, signer)

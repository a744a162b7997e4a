"""The event log as leaves, and its export in JSON Lines (one leaf per line, docs/audit.md).

Every line is its event's leaf, byte for byte: a public event's content, or a private
event's public header (`"private":true`, its position, aggregate type, type and content
hash). A verifier hashes each line as it is, and refuses a header whose type is public.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Engine, func, select

from domain import merkle
from projections.audit.leaves import LEAF_VERSION, leaf_bytes, private_topic, topic_aggregate
from projections.tables import audit_checkpoints, audit_leaves
from registry.base import RegistryBase
from registry.event_log import notifications_after

HEADER_KEYS = frozenset({"position", "aggregate_type", "type", "private", "content_sha256"})
CHUNK = 100  # events read, and lines sent, at a time: an export's memory stays this size


class LineError(ValueError):
    """An export line that is not a leaf of the current format; `position` if it has one."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def log_events(
    registry: RegistryBase, *, after: int = 0, upto: int | None = None, batch: int = 1000
) -> Iterator[tuple[int, Any]]:
    """(position, decoded event) of the stored events after `after`, in log order."""
    position = after
    while True:
        notifications = notifications_after(registry.recorder, position, batch, upto)
        if not notifications:
            return
        for n in notifications:
            yield n.id, registry.mapper.to_domain_event(n)
        position = notifications[-1].id


def export_line(event: Any, position: int) -> bytes:
    """The export's line for one event (without the newline): its leaf."""
    return leaf_bytes(event, position)


def _check_header(data: dict[str, Any], position: int) -> None:
    """A private event's header must say what it is, and be of a private type."""
    if data.keys() != HEADER_KEYS or data["private"] is not True:
        raise LineError(f"position {position}: a private line is not a header", position)
    topic, aggregate = data["type"], data["aggregate_type"]
    if not isinstance(topic, str) or topic_aggregate(topic) != aggregate:
        raise LineError(
            f"position {position}: a private line's type and aggregate differ", position
        )
    if not private_topic(topic):
        raise LineError(
            f"position {position}: a public event ({topic}) is withheld as private", position
        )
    try:
        digest = base64.b64decode(str(data["content_sha256"]), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != merkle.HASH_SIZE:
        raise LineError(f"position {position}: content_sha256 is not a SHA-256", position)


def line_leaf_hash(line: bytes) -> tuple[int, bytes]:
    """(position, leaf hash) of one export line; LineError if it is not a leaf."""
    try:
        data = json.loads(line)
    except ValueError as error:
        raise LineError(f"not JSON ({error})") from None
    if not isinstance(data, dict) or type(data.get("position")) is not int:
        raise LineError("a line without a position")
    position: int = data["position"]
    if "private" in data:
        _check_header(data, position)
    elif "leaf_hash" in data:
        raise LineError(
            f"position {position}: a bare leaf hash (leaf format 1); format {LEAF_VERSION} "
            "publishes a private event's header",
            position,
        )
    elif not isinstance(data.get("type"), str):
        raise LineError(f"position {position}: a line without a type", position)
    elif private_topic(data["type"]):
        raise LineError(f"position {position}: a private event's content", position)
    return position, merkle.leaf_hash(line)


@dataclass(frozen=True)
class ExportPage:
    """Which events a page of the export holds, and whether every one is in a signed tree
    (the page then never changes: it may be cached for good)."""

    after: int
    upto: int | None  # the last position of the page; None: an empty page
    limit: int
    signed: bool


def export_page(engine: Engine, *, after: int, limit: int) -> ExportPage:
    """The page of up to `limit` leaves after position `after`, as far as the tree goes."""
    leaves = audit_leaves.c
    with engine.connect() as conn:
        first = conn.scalar(select(func.min(leaves.leaf_index)).where(leaves.position > after))
        if first is None:
            return ExportPage(after, None, limit, signed=False)
        size = int(conn.scalar(select(func.max(leaves.leaf_index))) or 0) + 1
        last = min(int(first) + limit, size) - 1
        upto = conn.execute(select(leaves.position).where(leaves.leaf_index == last)).scalar_one()
        signed_size = conn.scalar(
            select(func.max(audit_checkpoints.c.tree_size)).where(
                audit_checkpoints.c.leaf_version == LEAF_VERSION
            )
        )
    signed = int(first) + limit <= (signed_size or 0)
    return ExportPage(after, int(upto), limit, signed)


def export_chunks(registry: RegistryBase, page: ExportPage) -> Iterator[bytes]:
    """The page's lines, CHUNK events at a time, each line ending in a newline."""
    if page.upto is None:
        return
    events = log_events(registry, after=page.after, upto=page.upto, batch=CHUNK)
    lines = islice((export_line(e, position) + b"\n" for position, e in events), page.limit)
    while chunk := b"".join(islice(lines, CHUNK)):
        yield chunk

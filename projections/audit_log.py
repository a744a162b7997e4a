"""The event log as leaves, and its export in JSON Lines (one leaf per line, docs/audit.md).

A public event's line is its leaf, byte for byte. A private event (credentials, idempotency
records) is published as `{"leaf_hash":BASE64,"position":P}`: in the tree, but not readable.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Engine, func, select

from domain import merkle
from domain.notes import b64
from projections.leaves import canonical_json, is_private, leaf_bytes
from projections.tables import audit_leaves
from registry.base import RegistryBase
from registry.log import notifications_after

REDACTED_PREFIX = b'{"leaf_hash":'


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
    """The export's line for one event (without the newline)."""
    leaf = leaf_bytes(event, position)
    if is_private(event):
        return canonical_json({"leaf_hash": b64(merkle.leaf_hash(leaf)), "position": position})
    return leaf


def line_leaf_hash(line: bytes) -> tuple[int, bytes]:
    """(position, leaf hash) of one export line; ValueError if it is not one."""
    data = json.loads(line)
    if not isinstance(data, dict) or not isinstance(data.get("position"), int):
        raise ValueError("a line without a position")
    if line.startswith(REDACTED_PREFIX):
        leaf_hash = base64.b64decode(data["leaf_hash"], validate=True)
        if len(leaf_hash) != merkle.HASH_SIZE:
            raise ValueError("a leaf hash that is not 32 bytes")
        return data["position"], leaf_hash
    return data["position"], merkle.leaf_hash(line)


def export_lines(registry: RegistryBase, engine: Engine, *, after: int, limit: int) -> list[bytes]:
    """Up to `limit` export lines after position `after`, as far as the audit tree goes."""
    with engine.connect() as conn:
        last = conn.scalar(select(func.max(audit_leaves.c.position)))
    if last is None or after >= last:
        return []
    events = log_events(registry, after=after, upto=int(last), batch=min(limit, 1000))
    return [export_line(event, position) for position, event in islice(events, limit)]

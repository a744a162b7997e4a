"""The audit log's leaves: one canonical byte string per stored event (docs/audit.md).

Leaf format 2. A public event's leaf is the canonical JSON (RFC 8785, for the value types
below) of its *content*, the object `{position, aggregate_id, aggregate_version, type,
timestamp, actor, data}`, decoded from the stored event through the application's mapper,
so it is the same on every store. A private event's leaf is its public *header*
`{position, aggregate_type, type, private: true, content_sha256}`: the export shows it
whole, so nobody can pass a public event off as a private one. Changing this encoding
changes every leaf hash: it gets a new LEAF_VERSION, and the tree is rebuilt. The audit
projection computes the same bytes straight from the stored JSON (audit/stored_leaves.py);
`verify` and the export compute them here, from the decoded event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic

from projections.machinery.encoding import PRIVATE_AGGREGATES
from registry.signed_notes import b64

LEAF_VERSION = 2  # docs/audit.md "Leaves"; version 1 published private events as bare hashes

# Decoded separately (or part of the position): never repeated inside `data`.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "actor"})
MAX_SAFE_INTEGER = 2**53 - 1  # the integers RFC 8785 serialises exactly


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, None for any other type (worked out once per type)."""
    if cls not in _FIELDS:
        is_value_object = dataclasses.is_dataclass(cls)
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)) if is_value_object else None
    return _FIELDS[cls]


def value(v: Any) -> Any:
    """A decoded value as JSON data: decimals, ids and dates as strings, value objects as
    objects, times as UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`; floats are refused."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        if abs(v) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {v} is too large for a canonical leaf")
        return v
    if isinstance(v, Enum):
        return value(v.value)
    if isinstance(v, (Decimal, UUID)):
        return str(v)
    if isinstance(v, datetime):
        if v.tzinfo is None:
            raise ValueError("naive datetime in an event")
        return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(v, date):
        return v.isoformat()
    names = _field_names(type(v))
    if names is not None:  # a value object
        return {name: value(getattr(v, name)) for name in names}
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted((value(x) for x in v), key=canonical_json)
    raise TypeError(f"no canonical form for {type(v).__name__}")


def canonical_json(data: Any) -> bytes:
    """RFC 8785 for null, booleans, safe integers, strings, arrays and objects: keys sorted by
    UTF-16 code units, no whitespace, only the escapes JSON requires, UTF-8."""
    if isinstance(data, dict):
        items = sorted(data.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        inner = b",".join(canonical_json(k) + b":" + canonical_json(v) for k, v in items)
        return b"{" + inner + b"}"
    if isinstance(data, list):
        return b"[" + b",".join(canonical_json(x) for x in data) + b"]"
    if isinstance(data, float):
        raise TypeError("floats have no canonical form here")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


_BEYOND_BMP = re.compile(rb"[\xf0-\xf4]")  # the lead bytes of UTF-8's 4-byte characters


def canonical_values(data: Any) -> bytes:
    """`canonical_json` of what `value` returns (never a float), through orjson: the same
    bytes (its escapes are JSON's required ones, as RFC 8785's), since keys sort alike by
    code point and by UTF-16 code unit unless a character beyond U+FFFF is present (then
    the exact path, as for text orjson refuses). Leaves are hashed for every event, so
    this is the audit projection's hot path."""
    try:
        encoded = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # a lone surrogate: the exact path says what is wrong
        return canonical_json(data)
    if not encoded.isascii() and _BEYOND_BMP.search(encoded):
        return canonical_json(data)
    return encoded


def topic_aggregate(topic: str) -> str:
    """'Candidacy' of 'domain.candidacy:Candidacy.Awarded'."""
    return topic.rpartition(":")[2].split(".")[0]


def private_topic(topic: str) -> bool:
    """The one rule of what is private, by event type: credential and idempotency events are
    leaves whose content is withheld (only their header is published)."""
    return topic_aggregate(topic) in PRIVATE_AGGREGATES


def is_private(event: Any) -> bool:
    return private_topic(get_topic(type(event)))


def private_header(position: int, topic: str, content: bytes) -> dict[str, Any]:
    """The published leaf of a private event: what it is and where, and its content's hash."""
    return {
        "position": value(position),
        "aggregate_type": topic_aggregate(topic),
        "type": topic,
        "private": True,
        "content_sha256": b64(hashlib.sha256(content).digest()),
    }


def leaf_of(content: dict[str, Any]) -> bytes:
    """The leaf of an event whose content object is `content`: the content itself, or the
    header of a private event."""
    encoded = canonical_values(content)
    topic = content["type"]
    if not private_topic(topic):
        return encoded
    return canonical_values(private_header(content["position"], topic, encoded))


def leaf_object(event: Any, position: int) -> dict[str, Any]:
    """An event's content object."""
    actor = getattr(event, "actor", None)
    return {
        "position": value(position),
        "aggregate_id": str(event.originator_id),
        "aggregate_version": value(event.originator_version),
        "type": get_topic(type(event)),
        "timestamp": value(event.timestamp),
        "actor": value(actor),
        "data": {k: value(v) for k, v in vars(event).items() if k not in ENVELOPE},
    }


def leaf_bytes(event: Any, position: int) -> bytes:
    """The leaf of the event recorded at `position` (a decoded domain event)."""
    return leaf_of(leaf_object(event, position))

"""The audit projection's leaves, computed straight from the stored events (`Stored`).

The same bytes as `leaves.leaf_bytes` of the decoded event, without decoding it first
(projections/machinery/stored.py says why).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from projections.audit import leaves
from projections.machinery.stored import PLAIN, Convert, Stored, topic_of

# For the canonical form, times are re-written in UTC; the rest converts as for `plain`.
_CANONICAL: dict[str, Convert] = {
    **PLAIN,
    "datetime_iso": lambda data: leaves.value(datetime.fromisoformat(data)),
}


def canonical_data(event: Stored, skip: Collection[str]) -> dict[str, Any]:
    """`leaves.value` of every field of the event but those in `skip`."""
    return event.converted(skip, _CANONICAL, leaves.value)


def content(event: Stored) -> dict[str, Any]:
    """`leaves.leaf_object` of the decoded event, from the stored one."""
    fields = canonical_data(event, ("originator_id", "originator_version"))
    actor = fields.pop("actor", None)
    return {
        "position": leaves.value(event.position),
        "aggregate_id": str(event.originator_id),
        "aggregate_version": leaves.value(event.originator_version),
        "type": topic_of(event.notification.topic)[1],
        "timestamp": fields.pop("timestamp"),
        "actor": actor,
        "data": fields,
    }


def leaf_bytes(event: Stored) -> bytes:
    """`leaves.leaf_bytes` of the decoded event, from the stored one."""
    return leaves.leaf_of(content(event))

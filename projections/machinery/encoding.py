"""Turning domain events into plain JSON-ready data for the read models."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
# Credential events name who holds which role, and idempotency records are bookkeeping of
# client retries, and a public report is its reporter's (and the regulator's) to read: none
# is part of the public record; nor is a subscriber's webhook subscription.
PRIVATE_AGGREGATES = frozenset({"Credential", "IdempotentRequest", "Report", "Subscription"})


def plain(value: Any) -> Any:
    """Decimals and ids as strings, times as ISO 8601, value objects as dicts."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def event_data(event: Any) -> dict[str, Any]:
    """An event's own attributes (without the envelope and the actor), made plain."""
    return {k: plain(v) for k, v in vars(event).items() if k not in ENVELOPE and k != "actor"}


def event_type(event: Any) -> str:
    """'Candidacy.Awarded' and the like."""
    return type(event).__qualname__

"""Server-Sent Events frames: each event encoded once, shared by every subscriber."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from projections.event_feed import FeedEvent
from service.cache import encode

KEEPALIVE = b": keep-alive\n\n"
CUTOFF = "cutoff"  # the last event a subscriber that fell too far behind receives


@dataclass(frozen=True)
class Frame:
    """One event as the stream sends it, with what a filter matches it on."""

    position: int
    subject: dict[str, Any]
    data: bytes


def frame(event: FeedEvent) -> Frame:
    """`id:` the event's position, `event:` its type, `data:` its item in the feed."""
    head = f"id: {event.position}\nevent: {event.item['type']}\ndata: ".encode()
    return Frame(event.position, event.subject, head + encode(event.item) + b"\n\n")


def cutoff(position: int, reason: str) -> bytes:
    """The final event to a subscriber cut off: where to resume from, and why."""
    data = json.dumps({"position": position, "reason": reason}, separators=(",", ":"))
    return f"event: {CUTOFF}\ndata: {data}\n\n".encode()

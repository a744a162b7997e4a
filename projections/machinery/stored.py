"""An event as stored, for the projections that copy it whole (history and audit).

Those two turn every field of every event into JSON data again: decoding the state into
domain objects first (the mapper: value objects, ids, decimals, times) and then turning
them back into strings and dicts was about half of their work. `Stored` parses the state
once (orjson) and converts the stored JSON straight into the plain form (or the audit's
canonical one, projections/audit/stored_leaves.py), with each transcoded value handled as
decoding it and then converting it would. Any state the mapper would treat specially (a
cipher, a compressor, an upcast), or that orjson cannot parse, goes through the mapper.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic, resolve_topic

from projections.machinery.base import Projection
from projections.machinery.encoding import plain

Convert = Callable[[Any], Any]


@lru_cache(maxsize=4096)
def topic_of(topic: str) -> tuple[str, str]:
    """('Candidacy.Awarded', its class's current topic) for a stored topic or alias."""
    cls = resolve_topic(topic)
    return cls.__qualname__, get_topic(cls)


@lru_cache(maxsize=4096)
def _is_upcast(topic: str) -> bool:
    return getattr(resolve_topic(topic), "class_version", 1) != 1


class Stored:
    """One notification: its envelope as stored, its state parsed on first use."""

    __slots__ = ("_event", "_state", "mapper", "notification", "type_name")

    def __init__(self, notification: Notification, mapper: Mapper[Any]) -> None:
        self.notification = notification
        self.mapper = mapper
        self.type_name = topic_of(notification.topic)[0]
        self._state: dict[str, Any] | None = None
        self._event: Any = None

    @property
    def position(self) -> int:
        return int(self.notification.id)

    @property
    def event(self) -> Any:
        """The domain event, decoded by the mapper (once)."""
        if self._event is None:
            self._event = self.mapper.to_domain_event(self.notification)
        return self._event

    @property
    def state(self) -> dict[str, Any] | None:
        """The stored JSON object, or None where only the mapper may read the state."""
        if self._state is None:  # worked out once: handlers ask for several fields
            m = self.mapper
            special = m.cipher or m.compressor or _is_upcast(self.notification.topic)
            self._state = _MAPPER_ONLY if special else _parse(self.notification.state)
        return None if self._state is _MAPPER_ONLY else self._state

    @property
    def originator_id(self) -> UUID:
        stored = self.notification.originator_id
        return stored if isinstance(stored, UUID) else UUID(stored)

    @property
    def originator_version(self) -> int:
        return int(self.notification.originator_version)

    def field(self, name: str, default: Any = None) -> Any:
        """One field of the event, decoded as the mapper would decode it."""
        if name in ("originator_id", "originator_version"):  # the envelope, not the state
            return getattr(self, name)
        state = self.state
        if state is not None:
            if name not in state:
                return default
            try:
                return _decode(self.mapper.transcoder, state[name])
            except _MapperOnly:
                pass
        return getattr(self.event, name, default)

    def plain_data(self, skip: Collection[str]) -> dict[str, Any]:
        """`plain` of every field of the event but those in `skip`."""
        return self.converted(skip, PLAIN, plain)

    def converted(
        self, skip: Collection[str], table: dict[str, Convert], slow: Convert
    ) -> dict[str, Any]:
        """Every field but those in `skip`, each converted by `table` (for its transcoding)
        straight from the stored JSON, or by `slow` from the decoded value."""
        state = self.state
        if state is not None:
            # The envelope (id and version) is not in the state: every caller skips it.
            t = self.mapper.transcoder
            try:
                return {k: _convert(t, v, table, slow) for k, v in state.items() if k not in skip}
            except _MapperOnly:
                pass
        return {k: slow(v) for k, v in vars(self.event).items() if k not in skip}


_MAPPER_ONLY: dict[str, Any] = {}


class _MapperOnly(Exception):
    """A float in the parsed state: orjson reads an integer beyond 64 bits as one, where
    the mapper's parser keeps it exact, so only the mapper's reading is sure."""


def _parse(data: bytes) -> dict[str, Any]:
    try:
        state: dict[str, Any] = orjson.loads(data)
    except orjson.JSONDecodeError:  # what only Python's parser takes (NaN, Infinity)
        return _MAPPER_ONLY
    return _MAPPER_ONLY if "class_version" in state else state  # an upcast is due


def _wrapped(v: dict[str, Any]) -> bool:
    return len(v) == 2 and "_type_" in v and "_data_" in v


def _decode(transcoder: Any, v: Any) -> Any:
    """As the library's JSON transcoder decodes a parsed value."""
    if type(v) is dict:
        decoded = {k: _decode(transcoder, x) for k, x in v.items()}
        if _wrapped(v):
            return transcoder.names[v["_type_"]].decode(decoded["_data_"])
        return decoded
    if type(v) is list:
        return [_decode(transcoder, x) for x in v]
    if type(v) is float:
        raise _MapperOnly
    return v


def _convert(transcoder: Any, v: Any, table: dict[str, Convert], slow: Convert) -> Any:
    """`slow(decoded value)`, straight from the parsed JSON where `table` knows how."""
    kind = type(v)
    if kind is dict:
        if not _wrapped(v):
            return {k: _convert(transcoder, x, table, slow) for k, x in v.items()}
        name, data = v["_type_"], v["_data_"]
        fast = table.get(name)
        if fast is not None:
            return fast(data)
        transcoding = transcoder.names[name]
        fields = getattr(transcoding, "fields", None)  # a value object stored as a dict
        if fields is not None and type(data) is dict and data.keys() == fields:
            return {k: _convert(transcoder, x, table, slow) for k, x in data.items()}
        return slow(_decode(transcoder, v))  # anything else: decoded, then converted
    if kind is list:
        return [_convert(transcoder, x, table, slow) for x in v]
    if kind is str or v is None or kind is bool:
        return v  # as both forms keep them
    if kind is float:
        raise _MapperOnly
    return slow(v)  # integers: checked as decoded


def _same(data: Any) -> Any:
    return data


# Transcodings whose stored form converts without decoding: `plain` of the decoded value
# is its stored string (an ISO time or date, a decimal's str round-trips), and ids get
# their dashes back.
PLAIN: dict[str, Convert] = {
    "uuid_hex": lambda data: str(UUID(data)),
    "decimal_str": _same,
    "datetime_iso": _same,
    "date_iso": _same,
}


def as_read(projection: Projection, event: Stored) -> Any:
    """What `projection`'s handlers take: the stored event, or the decoded one."""
    return event if projection.reads_stored else event.event

"""How value objects are stored in events: each frozen dataclass as a dict of its fields."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.ranking import IndicatorScore
from domain.values import Actor, Enterprise, Indicator, Product


class DateAsISO(Transcoding):
    """A calendar date as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    """A frozen dataclass value object as a dict of its (still transcoded) fields."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self.fields = frozenset(f.name for f in dataclasses.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        # Shallow on purpose: nested values are transcoded by the transcoder itself.
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        if data.keys() != self.fields:  # an older shape: defaults fill it, or it fails
            return self.type(**data)
        # Every field stored: set them as they were, without re-running the constructor
        # (a frozen dataclass's sets each field through object.__setattr__). Decoding is
        # most of reading the log, and a stored value was valid when it was recorded.
        obj: Any = object.__new__(self.type)
        object.__setattr__(obj, "__dict__", data)
        return obj


VALUE_OBJECTS = (Actor, Enterprise, Product, Indicator, IndicatorScore)


def register(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(cls))

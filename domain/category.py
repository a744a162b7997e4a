"""Categories: the catalogue of category codes, each with a Chinese and an English name.

Schemes, bodies and declarations name a category by its code alone, catalogued or not (the
catalogue only gives the code its names: imports and earlier records stay valid). A code is
defined once (its aggregate id is derived from it); its names may change, with a reason.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids, limits
from domain.errors import Conflict, InvalidInput
from domain.values import Actor

_CODE = re.compile(limits.CATEGORY_CODE)


class InvalidCategory(InvalidInput):
    """A category's code or name is malformed."""


class CategoryUnchanged(Conflict):
    """A rename must change at least one of the names."""


def check_code(code: str) -> None:
    """Raise unless `code` is spelled as a category code (`limits.CATEGORY_CODE`)."""
    if _CODE.fullmatch(code) is None:
        raise InvalidCategory(f"must match {limits.CATEGORY_CODE}", field="code")


def clean_name(name: str, field: str) -> str:
    """The name without surrounding whitespace; raise unless it is one line of 1 to MAX_NAME."""
    name = name.strip()
    problem = "must not be empty" if not name else limits.text_problem(name, limits.MAX_NAME)
    if problem:
        raise InvalidCategory(f"{field} {problem}", field=field)
    return name


def clean_reason(reason: str) -> str:
    """The reason of a change: required text of at most MAX_TEXT characters."""
    reason = reason.strip()
    problem = "must not be empty" if not reason else None
    problem = problem or limits.text_problem(reason, limits.MAX_TEXT, lines=True)
    if problem:
        raise InvalidCategory(f"reason {problem}", field="reason")
    return reason


class Category(Aggregate):
    """A category code of the catalogue and its current Chinese and English names."""

    # The events, declared so that their readers (the projections) are typed.
    class Defined(Aggregate.Created):
        code: str
        name_zh: str
        name_en: str
        actor: Actor

    class Renamed(Aggregate.Event):
        name_zh: str
        name_en: str
        reason: str
        actor: Actor

    @staticmethod
    def create_id(code: str, **_: Any) -> UUID:
        return ids.category_id(code)

    @classmethod
    def define(
        cls, *, code: str, name_zh: str, name_en: str, actor: Actor, at: datetime
    ) -> Category:
        """A new catalogue entry (the use case refuses a code already defined)."""
        check_code(code)
        return cls(
            code=code,
            name_zh=clean_name(name_zh, "name_zh"),
            name_en=clean_name(name_en, "name_en"),
            actor=actor,
            timestamp=at,
        )

    @event(Defined)
    def __init__(
        self, code: str, name_zh: str, name_en: str, actor: Actor, timestamp: datetime
    ) -> None:
        self.code = code
        self.name_zh = name_zh
        self.name_en = name_en

    def rename(
        self,
        *,
        name_zh: str | None = None,
        name_en: str | None = None,
        reason: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        """Change either name or both (None keeps it), saying why; a change is required."""
        if name_zh is None and name_en is None:
            raise InvalidCategory("give name_zh, name_en or both", field="name_zh")
        new_zh = self.name_zh if name_zh is None else clean_name(name_zh, "name_zh")
        new_en = self.name_en if name_en is None else clean_name(name_en, "name_en")
        why = clean_reason(reason)
        if (new_zh, new_en) == (self.name_zh, self.name_en):
            raise CategoryUnchanged(f"category {self.code} already has these names")
        self._renamed(name_zh=new_zh, name_en=new_en, reason=why, actor=actor, timestamp=at)

    @event(Renamed)
    def _renamed(
        self, name_zh: str, name_en: str, reason: str, actor: Actor, timestamp: datetime
    ) -> None:
        self.name_zh = name_zh
        self.name_en = name_en

"""An evaluation body's suspensions, reinstatements and changes of accredited categories, as
its reads show them (the `changes` of the `bodies` read model)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def changes_until(changes: list[dict[str, Any]] | None, as_of: datetime | None) -> list[Any]:
    """The changes made by `as_of` (all of them without one), oldest first."""
    made = list(changes or [])
    if as_of is None:
        return made
    return [c for c in made if datetime.fromisoformat(c["at"]) <= as_of]


def suspension(changes: list[dict[str, Any]], status: str) -> dict[str, Any]:
    """Why and since when a suspended body is suspended (None for a registered one), as the
    fields `suspension_reason` and `suspended_at` (flat: a list downloads them as columns)."""
    last = next((c for c in reversed(changes) if c["kind"] == "suspended"), None)
    if status != "suspended" or last is None:
        return {"suspension_reason": None, "suspended_at": None}
    return {"suspension_reason": last["reason"], "suspended_at": last["at"]}


def categories_at(row: Any, changes: list[dict[str, Any]]) -> list[str]:
    """The categories a body was accredited for after `changes` (its first ones before)."""
    changed = [c for c in changes if c["kind"] == "categories_changed"]
    if changed:
        return list(changed[-1]["categories"])
    every = [c for c in (row.changes or []) if c["kind"] == "categories_changed"]
    return list(every[0]["before"]) if every else list(row.categories)

"""The evaluation bodies list: by kind, accredited category and status, by name."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, Text, cast, select

from projections.body_changes import categories_at, changes_until, suspension
from projections.lists.timed import timed
from projections.tables import bodies

b = bodies.c


def bodies_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    kind: str | None = None,
    category: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    """Bodies matching every filter given, by name (ties by id)."""
    t = timed(bodies, now=now, as_of=as_of, displayed=False)
    query = select(bodies, t.status.label("shown_status")).select_from(t.source)
    if kind is not None:
        query = query.where(b.kind == kind)
    if category is not None:
        # The accredited categories are a JSON array of codes; a code (validated: letters,
        # digits, '.', '-') is found quoted in its text, with no LIKE wildcard in it.
        query = query.where(cast(b.categories, Text).contains(json.dumps(category)))
    if status is not None:
        query = query.where(t.status_is(status))
    return query.order_by(b.name, b.id)


def body_item(row: Row[Any], as_of: datetime | None = None) -> dict[str, Any]:
    """One evaluation body as listed (at `as_of`: its categories and changes then)."""
    changes = changes_until(row.changes, as_of)
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "categories": categories_at(row, changes),
        "status": row.shown_status,
        "registered_at": row.registered_at.isoformat(),
        **suspension(changes, row.shown_status),
        "changes": changes,
    }

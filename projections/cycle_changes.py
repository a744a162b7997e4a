"""What changed between two cycles' lists of one list key (body, category, level, region):
the titles that entered, stayed and left, and why each one left.

A cycle's list is every title its scheme awarded (a scheme id is its body, category, level,
region and cycle, so a list key with its body names one scheme per cycle). Titles are
matched across the cycles by `projections.cycle_matching`. A title that left did so because
it was revoked or ended with its standard's withdrawal (when, and the reason), expired
before the later list, was superseded by another title of the same enterprise on the later
list (which one), or else was not re-qualified: the later cycle's outcome for its standard
or product says how (not entered; excluded, not ranked or ranked below the cut, with the
reason and rank).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import InvalidInput, NotFound
from projections.cycle_matching import Entry, match
from projections.queries import display_status, iso, title_item, titles
from projections.tables import schemes
from projections.title_departures import after, c, changes_select, departure

s = schemes.c


def _entry(row: Any) -> Entry:
    return Entry(row.id, row.credit_code, row.declaration_id, row.product_model)


async def _schemes(
    conn: AsyncConnection, key: dict[str, Any], cycles: tuple[int, ...] | None
) -> list[Any]:
    query = select(s.id, s.body_id, s.cycle, s.status, s.awarded_at).where(
        s.category == key["category"], s.level == key["level"], s.region == key["region"]
    )
    if key["body_id"] is not None:
        query = query.where(s.body_id == key["body_id"])
    if cycles is not None:
        query = query.where(s.cycle.in_(cycles))
    return list((await conn.execute(query.order_by(s.cycle, s.body_id).limit(100))).all())


async def list_schemes(
    conn: AsyncConnection, key: dict[str, Any], cycle: int, to_cycle: int
) -> tuple[Row[Any], Row[Any]]:
    """The awarded schemes of the list in the two cycles; a problem naming the parameter
    otherwise (several bodies keep such a list and `body` was not given: `body`)."""
    found = await _schemes(conn, key, (cycle, to_cycle))
    bodies = sorted({row.body_id for row in found})
    if len(bodies) > 1:
        raise InvalidInput(
            f"{len(bodies)} evaluation bodies keep this list in these cycles "
            f"({', '.join(bodies)}): say which one",
            field="body",
        )
    by_cycle = {row.cycle: row for row in found}
    for name, wanted in (("cycle", cycle), ("to_cycle", to_cycle)):
        row = by_cycle.get(wanted)
        if row is None and not found and not await _schemes(conn, key, None):
            raise NotFound(
                f"no list of category {key['category']} at level {key['level']} in region "
                f"{key['region']}" + (" by that body" if key["body_id"] else ""),
                field="category",
            )
        if row is None:
            raise NotFound(f"the list has no scheme for cycle {wanted}", field=name)
        if row.status != "awarded":
            raise NotFound(
                f"the list of cycle {wanted} is not awarded (scheme {row.id} is {row.status})",
                field=name,
            )
    return by_cycle[cycle], by_cycle[to_cycle]


def _side(scheme: Row[Any], count: int) -> dict[str, Any]:
    return {
        "cycle": scheme.cycle,
        "scheme_id": scheme.id,
        "awarded_at": iso(scheme.awarded_at),
        "titles": count,
    }


def _outcome(row: Any, now: datetime) -> dict[str, Any]:
    """A candidacy of the later cycle that did not win a title: how far it got."""
    return {
        "candidacy_id": row.id,
        "status": display_status(row, now),
        "reason": row.exclusion_reason or None,
        "rank": row.rank,
    }


async def cycle_changes(
    conn: AsyncConnection,
    *,
    now: datetime,
    category: str,
    level: str,
    region: str,
    body_id: str | None,
    cycle: int,
    to_cycle: int,
) -> dict[str, Any]:
    """Entered, stayed and left between the lists of `cycle` and `to_cycle` (later)."""
    key = {"category": category, "level": level, "region": region, "body_id": body_id}
    earlier, later = await list_schemes(conn, key, cycle, to_cycle)
    query = titles().where(c.scheme_id.in_([earlier.id, later.id]))
    rows = (await conn.execute(query.order_by(c.rank, c.credit_code, c.id))).all()
    old = [r for r in rows if r.scheme_id == earlier.id and r.awarded_at is not None]
    tried = [r for r in rows if r.scheme_id == later.id]
    new = [r for r in tried if r.awarded_at is not None]
    lost = [r for r in tried if r.awarded_at is None]  # entered the later cycle, no title
    matching = match([_entry(r) for r in old], [_entry(r) for r in new])
    shown = {r.id: title_item(r, now) for r in (*old, *new)}
    ended = changes_select(joined=False).where(after.c.record_id.in_(matching.left))
    endings = {r.id: departure(r) for r in (await conn.execute(ended)).all()}
    rows_by_id = {r.id: r for r in rows}
    # The later cycle's outcome of each title that left: its entry there that won nothing.
    tried_again = match([_entry(rows_by_id[k]) for k in matching.left], [_entry(r) for r in lost])
    again = {a: _outcome(rows_by_id[b], now) for a, b, _ in tried_again.stayed}
    left = []
    for key_id in matching.left:
        row = rows_by_id[key_id]
        ending = endings.get(key_id) or _still_held(row, now)
        same = [k for k in matching.entered if rows_by_id[k].credit_code == row.credit_code]
        left.append(_left(shown[key_id], ending, [shown[k] for k in same], again.get(key_id)))
    return {
        "list_key": {**key, "body_id": earlier.body_id},
        "earlier": _side(earlier, len(old)),
        "later": _side(later, len(new)),
        "entered": [shown[k] for k in matching.entered],
        "stayed": [
            {"before": shown[a], "after": shown[b], "matched_by": by}
            for a, b, by in matching.stayed
        ],
        "left": left,
    }


def _still_held(row: Any, now: datetime) -> dict[str, Any]:
    """A title of the earlier list with no ending recorded: expired by the clock, or held."""
    if display_status(row, now) == "expired":
        return {"why": "expired", "at": iso(row.valid_until), "reason": None, "by_scheme_id": None}
    return {"why": "awarded", "at": None, "reason": None, "by_scheme_id": None}


def _left(
    title: dict[str, Any],
    ending: dict[str, Any],
    successors: list[dict[str, Any]],
    later_cycle: dict[str, Any] | None,
) -> dict[str, Any]:
    """A title that left: why (superseded by the first of `successors`, the same
    enterprise's titles that entered, if it ended by supersession), and how its standard or
    product fared in the later cycle."""
    item = {"title": title, **ending, "superseded_by": None, "later_cycle": later_cycle}
    if ending["why"] in ("superseded", "awarded"):
        if successors:
            item.update(why="superseded", superseded_by=successors[0])
        else:
            item.update(why="not_requalified", by_scheme_id=None)
    return item


async def since_previous_cycle(
    conn: AsyncConnection, scheme: dict[str, Any], *, now: datetime
) -> dict[str, Any] | None:
    """What changed between the list of the cycle before an awarded scheme's and its own
    (the scheme page's section); None if either list is missing or not awarded."""
    if scheme["status"] != "awarded":
        return None
    try:
        return await cycle_changes(
            conn,
            now=now,
            category=scheme["category"],
            level=scheme["level"],
            region=scheme["region"],
            body_id=scheme["body_id"],
            cycle=scheme["cycle"] - 1,
            to_cycle=scheme["cycle"],
        )
    except NotFound:
        return None

"""A scheme's timeline: the moments it went through (drafted, reviewed, ranked, the end of
its publicity window, awarded, its titles superseded), each with its time and actor.

Read from the scheme's periods (`status_history`), each joined by the log position it began
at to the public event that began it (`events`, for the actor), and from its titles that a
later list superseded (`candidacies`, then that title's event for the superseding scheme).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections import as_of as periods
from projections.tables import candidacies, events

# The step each status a scheme took names (a period that begins with it).
STEPS = {
    "draft": "drafted",
    "approved": "approved",
    "rejected": "rejected",
    "ranked": "ranked",
    "awarded": "awarded",
}
SUPERSEDED = "Candidacy.Superseded"


def _moment(step: str, at: datetime, actor: Any = None, **extra: Any) -> dict[str, Any]:
    who = {"role": actor.actor_role, "subject": actor.actor_subject} if actor else None
    return {"step": step, "at": at.isoformat(), "actor": who, **extra}


async def _actors(conn: AsyncConnection, positions: list[int]) -> dict[int, Any]:
    """The public event at each of `positions` (by primary key), for its actor."""
    if not positions:
        return {}
    e = events.c
    rows = await conn.execute(
        select(e.position, e.actor_role, e.actor_subject).where(e.position.in_(positions))
    )
    return {row.position: row for row in rows}


async def _superseded(
    conn: AsyncConnection, scheme_id: str, moment: datetime | None
) -> dict[str, Any] | None:
    """When a later list first superseded one of the scheme's titles, by whom, and that
    list's scheme; None if none was (by `moment`)."""
    c = candidacies.c
    query = select(c.id, c.ended_at).where(c.scheme_id == scheme_id, c.status == "superseded")
    if moment is not None:
        query = query.where(c.ended_at <= moment)
    first = (await conn.execute(query.order_by(c.ended_at, c.id).limit(1))).first()
    if first is None:
        return None
    e = events.c
    event = (
        await conn.execute(
            select(e.actor_role, e.actor_subject, e.data, e.timestamp)
            .where(e.candidacy_id == first.id, e.event_type == SUPERSEDED)
            .order_by(e.position)
            .limit(1)
        )
    ).first()
    if event is None:  # the history projection has not reached it yet
        return _moment("superseded", first.ended_at, by_scheme_id=None)
    by = event.data.get("by_scheme_id") if isinstance(event.data, dict) else None
    return _moment("superseded", event.timestamp, event, by_scheme_id=by)


async def scheme_timeline(
    conn: AsyncConnection,
    scheme_id: str,
    *,
    now: datetime,
    publicity_ends_at: str | None = None,
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """The scheme's moments, oldest first (those by `as_of` if given): each a `step`, its
    time `at` (ISO) and `actor` (role and subject, or None). The end of the publicity
    window (`publicity_ends_at`, the scheme record's) comes with the ranking, even before
    it has come (it has no actor: the window closes by itself); `superseded` carries the
    superseding scheme's id (`by_scheme_id`)."""
    held = await periods.periods(conn, scheme_id, now)
    if as_of is not None:
        held = [p for p in held if p.began_at <= as_of]
    actors = await _actors(conn, [p.began_position for p in held])
    moments = [
        _moment(STEPS[p.recorded_status], p.began_at, actors.get(p.began_position)) for p in held
    ]
    if publicity_ends_at is not None and any(m["step"] == "ranked" for m in moments):
        moments.append(_moment("publicity_ends", datetime.fromisoformat(publicity_ends_at)))
    superseded = await _superseded(conn, scheme_id, as_of)
    if superseded is not None:
        moments.append(superseded)
    order = ["drafted", "approved", "rejected", "ranked", "publicity_ends", "awarded", "superseded"]
    return sorted(moments, key=lambda m: (datetime.fromisoformat(m["at"]), order.index(m["step"])))

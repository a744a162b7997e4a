"""A candidacy and a scheme as they stood at a moment: the status they held then (from
`projections.as_of`), and nothing recorded after it (later times read null)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.complaint import OPEN_STATUSES
from projections import as_of, queries
from projections.tables import candidacies, complaints

# Set when a scheme reached the step: none of them is known before it.
SCHEME_STEPS = {
    "reviewed_at": ("reviewed_at",),
    "ranked_at": ("ranked_at", "publicity_ends_at"),
    "awarded_at": ("awarded_at", "valid_until"),
}
NOT_RANKED_YET = ("entered", "evaluated", "excluded", "not_ranked")


def _after(value: str | None, moment: datetime) -> bool:
    return value is not None and datetime.fromisoformat(value) > moment


def scheme_then(record: dict[str, Any], status: str, moment: datetime) -> dict[str, Any]:
    """A scheme's record (plain, as `queries.scheme` answers it) as it stood at M."""
    then = {**record, "status": status}
    for step, columns in SCHEME_STEPS.items():
        if _after(record.get(step), moment):
            then.update(dict.fromkeys(columns))
            if step == "reviewed_at":
                then["rejection_reason"] = ""
    return then


async def entered_by(conn: AsyncConnection, scheme_id: str, moment: datetime) -> int:
    """How many candidates had entered the scheme by M."""
    c = candidacies.c
    query = select(func.count()).where(c.scheme_id == scheme_id, c.entered_at <= moment)
    return int(await conn.scalar(query) or 0)


async def scheme(conn: AsyncConnection, scheme_id: str, moment: datetime) -> dict[str, Any] | None:
    """The scheme as it stood at M; None if it had not been drafted by then."""
    record = await queries.scheme(conn, scheme_id)
    period = await as_of.period_at(conn, scheme_id, moment)
    if record is None or period is None:
        return None
    then = scheme_then(record, period.status, moment)
    if "candidates" in then:
        then["candidates"] = await entered_by(conn, scheme_id, moment)
    return then


def title_then(item: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """A title item's award as known at M: none if it was awarded later."""
    if _after(item.get("awarded_at"), moment):
        item.update(awarded_at=None, valid_until=None)
    return item


async def _complaints_then(
    conn: AsyncConnection, candidacy_id: str, moment: datetime
) -> list[dict[str, Any]]:
    k = complaints.c
    rows = await conn.execute(
        select(k.id, k.grounds)
        .where(k.candidacy_id == candidacy_id, k.filed_at <= moment)
        .order_by(k.filed_at)
    )
    found = []
    for row in rows:
        status = await as_of.status_at(conn, row.id, moment)
        found.append({"id": row.id, "status": status, "grounds": row.grounds})
    return found


async def candidacy(
    conn: AsyncConnection, candidacy_id: str, *, now: datetime, moment: datetime
) -> dict[str, Any] | None:
    """The candidacy as it stood at M; None if it had not been entered by then."""
    record = await queries.candidacy(conn, candidacy_id, now=now)
    period = await as_of.period_at(conn, candidacy_id, moment)
    if record is None or period is None:
        return None
    recorded = period.recorded_status
    then = title_then(record, moment)
    then.update(
        status=period.status,
        recorded_status=recorded,
        is_leader=recorded == "awarded" and period.status in ("awarded", "under_complaint"),
        complaints=await _complaints_then(conn, candidacy_id, moment),
    )
    then["open_complaints"] = sum(1 for c in then["complaints"] if c["status"] in OPEN_STATUSES)
    if recorded in NOT_RANKED_YET:
        then.update(rank=None, score=None, qualified=False, breakdown=[], publicity_ends_at=None)
    if recorded == "entered":
        then["values"] = {}
    if recorded in ("entered", "evaluated"):
        then["exclusion_reason"] = None
    if _after(then.get("ended_at"), moment):
        then.update(ended_at=None, end_reason=None, ended_by=None)
    return then

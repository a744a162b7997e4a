"""A scheme's ranking: each section's Select (now or as of a moment), its item, its counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections import as_of as periods
from projections.queries import title_item, titles
from projections.tables import candidacies, schemes

c = candidacies.c
s = schemes.c
Section = Literal["ranked", "not_ranked"]
EXCLUDED = ("excluded", "not_ranked")


def in_section(scheme_id: str, section: Section) -> ColumnElement[bool]:
    """The candidacies of one section of a scheme's ranking."""
    if section == "ranked":
        return and_(c.scheme_id == scheme_id, c.rank.is_not(None))
    return and_(c.scheme_id == scheme_id, c.rank.is_(None), c.status.in_(EXCLUDED))


def ranking_select(scheme_id: str, section: Section = "ranked") -> Select[Any]:
    """One section in its order: by rank (ties by credit code, then id), or by credit code
    and id for the entries not ranked; served by `ix_candidacies_ranking`."""
    return titles().where(in_section(scheme_id, section)).order_by(c.rank, c.credit_code, c.id)


def ranking_item(row: Any, now: datetime) -> dict[str, Any]:
    """One entry: the title item, whether it made the cut, its breakdown, or why not ranked."""
    item = title_item(row, now)
    item.update(
        qualified=row.qualified,
        breakdown=row.breakdown if row.rank is not None else [],
        reason=row.exclusion_reason or None if row.rank is None else None,
    )
    return item


def section_then(scheme_id: str, section: Section, moment: datetime) -> Select[Any]:
    """The section as it stood at M, each entry with the status it showed then."""
    period, joined = periods.period_join(c.id, moment)
    where = in_section(scheme_id, section)
    if section == "not_ranked":
        where = and_(c.scheme_id == scheme_id, c.rank.is_(None), period.c.status.in_(EXCLUDED))
    return (
        titles()
        .add_columns(periods.shown_status(period.c, moment).label("status_then"))
        .join(period, joined)
        .where(where)
        .order_by(c.rank, c.credit_code, c.id)
    )


async def _count(conn: AsyncConnection, query: Select[Any]) -> int:
    found = await conn.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(found or 0)


async def _cutoff(conn: AsyncConnection, scheme_id: str, qualified: int) -> int | None:
    """The last rank within the cut-off. The qualified are the first `qualified` entries,
    and an entry's rank (1 + those strictly better) is at most its place, the next one's
    exactly its place: so the largest rank not above `qualified` (one index probe)."""
    if qualified <= 0:
        return None
    query = select(func.max(c.rank)).where(c.scheme_id == scheme_id, c.rank <= qualified)
    found = await conn.scalar(query)
    return int(found) if found is not None else None


async def ranking_counts(
    conn: AsyncConnection, scheme: Any, as_of: datetime | None = None
) -> dict[str, Any]:
    """Ranked, qualified and not ranked entries, and the cut-off rank (now, or at `as_of`).

    A published ranking's counts are on its scheme's row (set from the event that published
    it: every candidate is then ranked or not), so a page never counts its entries; a ranking
    not yet published has no ranked entries, only the exclusions so far."""
    published = scheme.ranked_at is not None and (as_of is None or scheme.ranked_at <= as_of)
    if published and scheme.ranked_count is not None:
        ranked, qualified = scheme.ranked_count, scheme.qualified_count
        not_ranked = scheme.candidates - ranked
    elif published:  # published before the counts were recorded
        ranked = await _count(conn, ranking_select(scheme.id, "ranked"))
        qualified = await _count(conn, ranking_select(scheme.id).where(c.qualified))
        not_ranked = await _count(conn, ranking_select(scheme.id, "not_ranked"))
    else:
        ranked = qualified = 0
        excluded = ranking_select(scheme.id, "not_ranked")
        if as_of is not None:
            excluded = section_then(scheme.id, "not_ranked", as_of)
        not_ranked = await _count(conn, excluded)
    return {
        "ranked": ranked,
        "qualified": qualified,
        "not_ranked": not_ranked,
        "cutoff_rank": await _cutoff(conn, scheme.id, qualified),
    }

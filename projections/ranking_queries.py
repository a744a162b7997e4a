"""A scheme's ranking, a page at a time: its summary and counts, and one section's page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections import as_of as periods
from projections import records_as_of
from projections.queries import title_item
from projections.tables import candidacies, schemes

c = candidacies.c
s = schemes.c
Section = Literal["ranked", "not_ranked"]
EXCLUDED = ("excluded", "not_ranked")
SUMMARY = (
    "id",
    "body_id",
    "title",
    "category",
    "cycle",
    "level",
    "region",
    "status",
    "top_n",
    "candidates",
    "ranked_at",
    "publicity_ends_at",
    "awarded_at",
    "valid_until",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def in_section(scheme_id: str, section: Section) -> ColumnElement[bool]:
    """The candidacies of one section of a scheme's ranking."""
    if section == "ranked":
        return and_(c.scheme_id == scheme_id, c.rank.is_not(None))
    return and_(c.scheme_id == scheme_id, c.rank.is_(None), c.status.in_(EXCLUDED))


def ranking_select(scheme_id: str, section: Section = "ranked") -> Select[Any]:
    """One section in its order: by rank (ties by credit code, then id), or by credit code
    and id for the entries not ranked; served by `ix_candidacies_ranking`."""
    return (
        select(candidacies)
        .where(in_section(scheme_id, section))
        .order_by(c.rank, c.credit_code, c.id)
    )


def ranking_item(row: Any, now: datetime) -> dict[str, Any]:
    """One entry: the title item, whether it made the cut, its breakdown, or why not ranked."""
    item = title_item(row, now)
    item.update(
        qualified=row.qualified,
        breakdown=row.breakdown if row.rank is not None else [],
        reason=row.exclusion_reason or None if row.rank is None else None,
    )
    return item


def _then(scheme_id: str, section: Section, moment: datetime) -> Select[Any]:
    """The section as it stood at M, each entry with the status it showed then."""
    period, joined = periods.period_join(c.id, moment)
    where = in_section(scheme_id, section)
    if section == "not_ranked":
        where = and_(c.scheme_id == scheme_id, c.rank.is_(None), period.c.status.in_(EXCLUDED))
    return (
        select(candidacies, periods.shown_status(period.c, moment).label("status_then"))
        .select_from(candidacies.join(period, joined))
        .where(where)
        .order_by(c.rank, c.credit_code, c.id)
    )


async def _counts(conn: AsyncConnection, scheme_id: str, now: datetime) -> Any:
    ranked = c.rank.is_not(None)
    return (
        await conn.execute(
            select(
                func.count().filter(ranked).label("ranked"),
                func.count().filter(ranked, c.qualified).label("qualified"),
                func.count().filter(in_section(scheme_id, "not_ranked")).label("not_ranked"),
                func.max(c.rank).filter(c.qualified).label("cutoff_rank"),
                func.min(c.valid_until).filter(c.valid_until > now).label("first_end"),
            ).where(c.scheme_id == scheme_id)
        )
    ).one()


async def _counts_then(conn: AsyncConnection, scheme_id: str, moment: datetime) -> Any:
    """The counts at M: none ranked before the ranking was published, the exclusions so far."""
    counts = (await _counts(conn, scheme_id, moment))._asdict()
    query = _then(scheme_id, "not_ranked", moment).order_by(None).subquery()
    counts["not_ranked"] = await conn.scalar(select(func.count()).select_from(query))
    return counts


async def ranking_page(
    conn: AsyncConnection,
    scheme_id: str,
    *,
    now: datetime,
    as_of: datetime | None = None,
    section: Section = "ranked",
    limit: int = 50,
    offset: int = 0,
) -> tuple[dict[str, Any] | None, datetime | None]:
    """The page (None for an unknown scheme, or one not drafted by `as_of`), and until when
    it holds without new events: the first moment an entry's title ends (its status then
    reads "expired"); None as of a past moment (only events change it)."""
    row = (await conn.execute(select(schemes).where(s.id == scheme_id))).first()
    if row is None:
        return None, None
    plain = {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}
    summary = {k: plain[k] for k in SUMMARY}
    published = row.ranked_at is not None
    if as_of is None:
        counts = (await _counts(conn, scheme_id, now))._asdict()
        rows = await conn.execute(ranking_select(scheme_id, section).limit(limit).offset(offset))
        items = [ranking_item(r, now) for r in rows]
    else:
        period = await periods.period_at(conn, scheme_id, as_of)
        if period is None:
            return None, None
        summary = records_as_of.scheme_then(summary, period.status, as_of)
        summary["candidates"] = await records_as_of.entered_by(conn, scheme_id, as_of)
        published = published and row.ranked_at <= as_of
        counts = await _counts_then(conn, scheme_id, as_of)
        if not published:
            counts.update(ranked=0, qualified=0, cutoff_rank=None)
        items = []
        if published or section == "not_ranked":
            query = _then(scheme_id, section, as_of).limit(limit).offset(offset)
            for r in await conn.execute(query):
                item = records_as_of.title_then(ranking_item(r, now), as_of)
                items.append({**item, "status": r.status_then})
    page = {
        "scheme": summary,
        "published": published,
        "counts": {
            "entered": summary["candidates"],
            "ranked": int(counts["ranked"] or 0),
            "qualified": int(counts["qualified"] or 0),
            "not_ranked": int(counts["not_ranked"] or 0),
        },
        "top_n": row.top_n,
        "cutoff_rank": counts["cutoff_rank"],
        "section": section,
        "items": items,
        "total": int(counts[section] or 0),
        "limit": limit,
        "offset": offset,
        "as_of": _iso(as_of),
    }
    return page, None if as_of is not None else counts["first_end"]

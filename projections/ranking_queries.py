"""A scheme's ranking, a page at a time: its summary and counts, and one section's page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.queries import title_item
from projections.tables import candidacies, schemes

c = candidacies.c
s = schemes.c
Section = Literal["ranked", "not_ranked"]
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
    return and_(
        c.scheme_id == scheme_id, c.rank.is_(None), c.status.in_(("excluded", "not_ranked"))
    )


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


async def ranking_page(
    conn: AsyncConnection,
    scheme_id: str,
    *,
    now: datetime,
    section: Section = "ranked",
    limit: int = 50,
    offset: int = 0,
) -> tuple[dict[str, Any] | None, datetime | None]:
    """The page (None for an unknown scheme), and until when it holds without new events:
    the first moment an entry's title ends (its status then reads "expired")."""
    row = (await conn.execute(select(schemes).where(s.id == scheme_id))).first()
    if row is None:
        return None, None
    counts = await _counts(conn, scheme_id, now)
    rows = await conn.execute(ranking_select(scheme_id, section).limit(limit).offset(offset))
    summary = {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}
    total = counts.ranked if section == "ranked" else counts.not_ranked
    page = {
        "scheme": {k: summary[k] for k in SUMMARY},
        "published": row.ranked_at is not None,
        "counts": {
            "entered": row.candidates,
            "ranked": int(counts.ranked or 0),
            "qualified": int(counts.qualified or 0),
            "not_ranked": int(counts.not_ranked or 0),
        },
        "top_n": row.top_n,
        "cutoff_rank": counts.cutoff_rank,
        "section": section,
        "items": [ranking_item(r, now) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
        "as_of": None,
    }
    return page, counts.first_end

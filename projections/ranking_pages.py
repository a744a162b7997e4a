"""A scheme's ranking, a page at a time: its summary and counts, and one section's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections import as_of as periods
from projections import records_as_of
from projections.queries import iso
from projections.ranking_queries import (
    Section,
    ranking_counts,
    ranking_item,
    ranking_select,
    section_then,
)
from projections.tables import schemes

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
    "top_share",
    "candidates",
    "ranked_at",
    "publicity_ends_at",
    "awarded_at",
    "valid_until",
)


def _item_then(row: Any, now: datetime, moment: datetime) -> dict[str, Any]:
    """An entry as it stood at M, with the status it showed then."""
    return {**records_as_of.title_then(ranking_item(row, now), moment), "status": row.status_then}


def section_listing(
    scheme_id: str, section: Section, *, now: datetime, as_of: datetime | None = None
) -> tuple[Select[Any], Callable[[Any], dict[str, Any]]]:
    """A whole section (a download): its Select in the pages' order, and each row's item."""
    if as_of is None:
        return ranking_select(scheme_id, section), lambda row: ranking_item(row, now)
    return section_then(scheme_id, section, as_of), lambda row: _item_then(row, now, as_of)


async def _items_then(
    conn: AsyncConnection,
    scheme_id: str,
    section: Section,
    moment: datetime,
    now: datetime,
    **page: int,
) -> list[dict[str, Any]]:
    """A page of the section as it stood at M, each entry with the status it showed then."""
    query = section_then(scheme_id, section, moment).limit(page["limit"]).offset(page["offset"])
    return [_item_then(r, now, moment) for r in await conn.execute(query)]


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
    it holds without new events: when its titles end (their status then reads "expired"; a
    scheme's titles share one validity); None as of a moment (only events change it)."""
    row = (await conn.execute(select(schemes).where(schemes.c.id == scheme_id))).first()
    if row is None:
        return None, None
    plain = {k: (iso(v) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}
    summary = {k: plain[k] for k in SUMMARY}
    counts = await ranking_counts(conn, row, as_of)
    published = row.ranked_at is not None
    fresh_until = row.valid_until if row.valid_until is not None and row.valid_until > now else None
    if as_of is None:
        query = ranking_select(scheme_id, section).limit(limit).offset(offset)
        items = [ranking_item(r, now) for r in await conn.execute(query)]
    else:
        period = await periods.period_at(conn, scheme_id, as_of)
        if period is None:
            return None, None
        summary = records_as_of.scheme_then(summary, period.status, as_of)
        summary["candidates"] = await records_as_of.entered_by(conn, scheme_id, as_of)
        published = published and row.ranked_at <= as_of
        items = []
        if published or section == "not_ranked":
            items = await _items_then(
                conn, scheme_id, section, as_of, now, limit=limit, offset=offset
            )
        fresh_until = None
    page = {
        "scheme": summary,
        "published": published,
        "counts": {
            "entered": summary["candidates"],
            "ranked": counts["ranked"],
            "qualified": counts["qualified"],
            "not_ranked": counts["not_ranked"],
        },
        "top_n": row.top_n,
        "top_share": row.top_share,
        "cutoff_rank": counts["cutoff_rank"],
        "section": section,
        "items": items,
        "total": counts[section],
        "limit": limit,
        "offset": offset,
        "as_of": iso(as_of),
    }
    return page, fresh_until

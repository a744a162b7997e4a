"""The category catalogue: each code's names and its counts of schemes and titles in force.

The counts are read when asked, from the read models, as correlated subqueries on the
indexes that serve them: a category's schemes on `ix_schemes_category`, its titles in
force on `ix_candidacies_current` (category, valid_until), a range that holds only the
titles not yet past their validity. The catalogue itself is small (one row per code).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.queries import held_at
from projections.tables import candidacies, categories, schemes

k = categories.c


def category_select(now: datetime, *, code: str | None = None) -> Select[Any]:
    """The catalogue (or one code of it), in code order, with its counts at `now`."""
    in_force = [candidacies.c.category == k.code, held_at(now)]
    scheme_count = (
        select(func.count()).select_from(schemes).where(schemes.c.category == k.code)
    ).scalar_subquery()
    title_count = select(func.count()).select_from(candidacies).where(*in_force)
    first_end = select(func.min(candidacies.c.valid_until)).where(*in_force)
    query = select(
        categories,
        scheme_count.label("schemes"),
        title_count.scalar_subquery().label("titles_in_force"),
        first_end.scalar_subquery().label("first_end"),
    ).order_by(k.code)
    return query if code is None else query.where(k.code == code)


def category_item(row: Row[Any]) -> dict[str, Any]:
    """One catalogue entry as the API shows it."""
    return {
        "code": row.code,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "schemes": int(row.schemes or 0),
        "titles_in_force": int(row.titles_in_force or 0),
        "defined_at": row.defined_at.isoformat(),
        "renamed_at": row.renamed_at.isoformat() if row.renamed_at is not None else None,
        "version": row.version,
    }


async def categories_page(
    conn: AsyncConnection, *, now: datetime, limit: int = 50, offset: int = 0
) -> tuple[dict[str, Any], datetime | None]:
    """A page of the catalogue, and until when its counts hold without new events: the
    first moment one of its titles in force passes its validity."""
    total = await conn.scalar(select(func.count()).select_from(categories))
    rows = (await conn.execute(category_select(now).limit(limit).offset(offset))).all()
    page = {
        "items": [category_item(r) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
    }
    return page, min((r.first_end for r in rows if r.first_end is not None), default=None)


async def category(
    conn: AsyncConnection, code: str, *, now: datetime
) -> tuple[dict[str, Any], datetime | None] | None:
    """One catalogue entry (None if the code is not in the catalogue), and until when its
    counts hold without new events."""
    row = (await conn.execute(category_select(now, code=code))).first()
    if row is None:
        return None
    return category_item(row), row.first_end

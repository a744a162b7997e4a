"""A category's name beside its code: the catalogue joined to what names a category.

Read at query time from the `categories` table, so a rename shows in every answer read
after it is projected (the response cache keys its entries on the read models' position,
which the rename moves). A code not in the catalogue has no name (null).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.tables import categories

CATEGORY_NAME = "category_name"


def named(query: Select[Any], code: ColumnElement[Any]) -> Select[Any]:
    """`query` with the Chinese name of the category in `code` as column `category_name`
    (an outer join on the catalogue's unique code: one index lookup per row)."""
    return query.add_columns(categories.c.name_zh.label(CATEGORY_NAME)).outerjoin(
        categories, categories.c.code == code
    )


async def names_of(conn: AsyncConnection, codes: Iterable[str]) -> dict[str, str]:
    """The Chinese names of those of `codes` in the catalogue."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = await conn.execute(
        select(categories.c.code, categories.c.name_zh).where(categories.c.code.in_(wanted))
    )
    return {code: name for code, name in rows}


def category_of(data: Any) -> str | None:
    """The category an event's data concerns (a candidacy's, a product's, a scheme's)."""
    if not isinstance(data, dict):
        return None
    code = data.get("category")
    product = data.get("product")
    if code is None and isinstance(product, dict):
        code = product.get("category")
    return code if isinstance(code, str) else None

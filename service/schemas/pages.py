"""Paging shared by every list: the page's shape and its `limit` / `offset` parameters."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

# One home for the paging limits of every list (a deeper offset is refused: page with
# narrower filters, or download the whole list, which streams).
MAX_PAGE = 200
MAX_OFFSET = 1_000_000

PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")]
PageOffset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Items to skip, from the first match.")
]

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list: its items, how many match in all, and where it starts."""

    items: list[ItemT]
    total: int = Field(description="How many items match the filters, on every page.")
    limit: int
    offset: int
    as_of: str | None = Field(
        default=None, description="The moment the list is as of (RFC 3339), if it moves in time."
    )

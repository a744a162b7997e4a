"""Reading the notice log as feeds: all notices, or one category's, enterprise's or scheme's,
in fixed-size pages counted from each feed's first notice (RFC 5005 archives).

Page k of a feed holds its notices ranked (k-1)*size+1 to k*size and is named by the log
position of its last notice; once full it never changes. The current document holds the
newest `size` notices (it may repeat some of the newest full page: a reader keeps an entry
once, by its id).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, exists, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.notice_log import counter
from projections.tables import categories, enterprises, notice_counts, notice_log, schemes

n = notice_log.c

# A feed's kind: the column choosing its notices, the column ranking them there, and the
# column of the record (its read model's) that the feed's key names.
_SCOPES: dict[str, tuple[Any, Column[Any], Column[Any] | None]] = {
    "all": (None, n.seq, None),
    "category": (n.category, n.category_seq, categories.c.code),
    "enterprise": (n.credit_code, n.enterprise_seq, enterprises.c.credit_code),
    "scheme": (n.scheme_id, n.scheme_seq, schemes.c.id),
}


@dataclass(frozen=True)
class Feed:
    """Which notices: all of them (`key` None), or one category's, enterprise's or scheme's."""

    kind: str = "all"
    key: str | None = None

    @property
    def counted(self) -> str:
        """Its name in `notice_counts`."""
        return counter(self.kind, self.key)

    def _where(self) -> ColumnElement[bool]:
        column = _SCOPES[self.kind][0]
        return true() if column is None else column == self.key

    @property
    def _rank(self) -> Column[Any]:
        return _SCOPES[self.kind][1]


@dataclass(frozen=True)
class FeedPage:
    """One feed document's notices (newest first), when it last changed, and its neighbours."""

    entries: list[dict[str, Any]]
    updated: datetime | None
    prev_archive: int | None  # the position naming the older page, if any
    archived: bool  # an archive page (full, unchanging), not the current document


async def exists_feed(conn: AsyncConnection, feed: Feed) -> bool:
    """Whether the feed's category, enterprise or scheme exists (or has had a notice)."""
    named = _SCOPES[feed.kind][2]
    if named is None:
        return True
    found = select(exists().where(named == feed.key)).scalar_subquery()
    counted = select(exists().where(notice_counts.c.feed == feed.counted)).scalar_subquery()
    return bool((await conn.execute(select(found | counted))).scalar())


async def _total(conn: AsyncConnection, feed: Feed) -> int:
    query = select(notice_counts.c.notices).where(notice_counts.c.feed == feed.counted)
    return int((await conn.execute(query)).scalar() or 0)


async def position_of(conn: AsyncConnection, feed: Feed, rank: int) -> int | None:
    """The log position of the feed's notice ranked `rank` (from 1), if it has one yet."""
    query = select(n.position).where(feed._where(), feed._rank == rank)
    found = (await conn.execute(query)).scalar()
    return int(found) if found is not None else None


async def _page(conn: AsyncConnection, feed: Feed, last: int, size: int, older: int) -> FeedPage:
    """The notices ranked up to `last`, `size` of them, newest first; the page before it
    ends at rank `older` (0: none)."""
    query = (
        select(notice_log)
        .where(feed._where(), feed._rank <= last, feed._rank > last - size)
        .order_by(feed._rank.desc())
    )
    entries = [dict(row) for row in (await conn.execute(query)).mappings()]
    return FeedPage(
        entries=entries,
        updated=max((e["at"] for e in entries), default=None),
        prev_archive=await position_of(conn, feed, older) if older > 0 else None,
        archived=False,
    )


async def current_page(conn: AsyncConnection, feed: Feed, size: int) -> FeedPage:
    """The newest `size` notices; its prev-archive is the newest full page (if any)."""
    total = await _total(conn, feed)
    return await _page(conn, feed, total, size, total // size * size)


async def archive_rank(conn: AsyncConnection, feed: Feed, position: int, size: int) -> int | None:
    """The rank of the feed's notice at `position` if it ends a (full) page, else None."""
    query = select(feed._rank).where(n.position == position, feed._where())
    found = (await conn.execute(query)).scalar()
    return int(found) if found is not None and found % size == 0 else None


async def archive_page(conn: AsyncConnection, feed: Feed, rank: int, size: int) -> FeedPage:
    """The full page that ends with the notice ranked `rank` (a multiple of `size`)."""
    return replace(await _page(conn, feed, rank, size, rank - size), archived=True)

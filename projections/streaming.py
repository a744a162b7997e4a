"""Reading a whole list in constant memory: one snapshot, its position, rows in batches.

A `Snapshot` owns a read-model connection of its own in one read-only transaction that
sees a single state of the read models: REPEATABLE READ on PostgreSQL; on SQLite an explicit
`BEGIN` (the driver begins transactions only before writes), whose first read fixes the
WAL snapshot. The position it reports is read in that transaction, so it agrees with the
rows: every event up to it is in them. Rows come through a server-side cursor
(`AsyncConnection.stream` with `yield_per`), a batch at a time.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from projections.tables import tracking

BATCH = 1000  # rows fetched from the cursor at a time


async def snapshot_position(conn: AsyncConnection, sources: Collection[str]) -> int:
    """The lowest position the projections named by `sources` have processed (0 if none)."""
    found = await conn.scalar(
        select(func.min(tracking.c.position)).where(tracking.c.projection.in_(sorted(sources)))
    )
    return int(found or 0)


class Snapshot:
    """A connection in one read-only snapshot, for as long as a stream lasts."""

    def __init__(self, conn: AsyncConnection, position: int) -> None:
        self.conn = conn
        self.position = position

    @classmethod
    async def open(cls, engine: AsyncEngine, sources: Collection[str]) -> Snapshot:
        """Connect, begin the snapshot and read its position (closed again on failure)."""
        conn = await engine.connect()
        try:
            if conn.dialect.name == "postgresql":
                await conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
                await conn.begin()
            else:
                await conn.exec_driver_sql("BEGIN")
            return cls(conn, await snapshot_position(conn, sources))
        except BaseException:
            await conn.close()
            raise

    async def batches(
        self, query: Select[Any], size: int = BATCH
    ) -> AsyncGenerator[Sequence[Row[Any]]]:
        """The rows of `query`, `size` at a time, through a server-side cursor."""
        result = await self.conn.stream(query.execution_options(yield_per=size))
        try:
            async for batch in result.partitions(size):
                yield batch
        finally:
            await result.close()

    async def close(self) -> None:
        """End the transaction (nothing was written) and give the connection back."""
        await self.conn.close()

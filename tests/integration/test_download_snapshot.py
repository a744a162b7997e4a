"""A download's rows and its position come from one snapshot, whatever commits meanwhile."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from projections.streaming import Snapshot
from projections.tables import candidacies, tracking
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import serve
from tests.integration.test_download_memory import title


async def test_rows_committed_after_the_snapshot_began_are_not_in_it(
    store: Settings, clock: Clock
) -> None:
    async with serve(store, clock, admin=False) as api:
        writer = api.read_side.writer
        with writer.begin() as conn:
            conn.execute(insert(candidacies), [title(n, clock) for n in range(3)])
            before = conn.scalar(
                select(tracking.c.position).where(tracking.c.projection == "candidacies")
            )
        snapshot = await Snapshot.open(api.read_side.engine, {"candidacies"})
        try:
            # A projection commits more rows and its new position meanwhile.
            with writer.begin() as conn:
                conn.execute(insert(candidacies), [title(n, clock) for n in range(3, 5)])
                conn.execute(
                    update(tracking)
                    .where(tracking.c.projection == "candidacies")
                    .values(position=tracking.c.position + 7)
                )
            ids = [
                row.id
                async for batch in snapshot.batches(select(candidacies), size=2)
                for row in batch
            ]
        finally:
            await snapshot.close()
        assert snapshot.position == before
        assert len(ids) == 3
        again = await Snapshot.open(api.read_side.engine, {"candidacies"})
        try:
            assert again.position == (before or 0) + 7
            assert sum([len(b) async for b in again.batches(select(candidacies))]) == 5
        finally:
            await again.close()

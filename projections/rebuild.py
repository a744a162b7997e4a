"""Rebuilding one projection from the event log into shadow tables, then switching over.

Reads keep being served from the live tables while the shadow copy is built. The switch
puts the shadow rows in place of the live ones (on PostgreSQL it swaps the tables; on
SQLite it copies the rows) and sets the projection's tracking position to the shadow's,
in one transaction; a live follower that had gone further then fails its compare-and-set,
reloads, and re-applies the remaining events on top of the rebuilt rows.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg.errors import LockNotAvailable
from sqlalchemy import Connection, Engine, MetaData, delete, event, insert, select, text
from sqlalchemy import update as sql_update
from sqlalchemy.exc import OperationalError

from projections.base import Projection
from projections.engines import sync_engine
from projections.rows import Rows
from projections.runtime import all_projections
from projections.stored import Stored, as_read
from projections.tables import tracking
from registry.base import RegistryBase
from registry.log import notifications_after
from registry.settings import Settings

SHADOW = "rebuild"
LOCK_WAIT = "10s"  # the longest the switch-over waits for reads and writes in flight


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    rate: float  # events per second

    @property
    def seconds_left(self) -> float:
        return (self.total - self.done) / self.rate if self.rate > 0 else 0.0


class SwitchBlocked(RuntimeError):
    """The live tables stayed in use past LOCK_WAIT: the switch-over changed nothing."""


class UnknownProjection(ValueError):
    """No projection has that name."""


def find(name: str) -> Projection:
    for p in all_projections():
        if p.name == name:
            return p
    names = ", ".join(p.name for p in all_projections())
    raise UnknownProjection(f"no projection {name!r}; choose one of {names}")


def _engines(settings: Settings) -> tuple[Engine, Engine, str]:
    """(live engine, shadow engine, shadow schema): the shadow's unqualified tables land
    in a schema of their own (PostgreSQL) or an attached file (SQLite)."""
    if settings.is_postgres:
        live = sync_engine(settings)
        schema = f"{settings.read_schema}_{SHADOW}"
        with live.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    else:
        read_file = Path(str(settings.read_url(asynchronous=False).database))
        shadow_file = read_file.with_name(read_file.stem + f".{SHADOW}" + read_file.suffix)
        live = sync_engine(settings)
        schema = SHADOW

        @event.listens_for(live, "connect")
        def attach(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"ATTACH DATABASE '{shadow_file}' AS {SHADOW}")

    return live, live.execution_options(schema_translate_map={None: schema}), schema


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A rebuild allocates and frees objects by the million, and each batch's rows live
    until it is flushed, so the collector's default (a collection every 700 net
    allocations, each young object scanned several times) cost about a sixth of a rebuild.
    Objects made before it started are frozen out of the scans."""
    gc.collect()
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def rebuild(
    settings: Settings,
    registry: RegistryBase,
    name: str,
    report: Callable[[Progress], None] = lambda _: None,
    batch_size: int = 2000,
) -> int:
    """Rebuild projection `name` from the whole log; returns the position it reached."""
    projection = find(name)
    live, shadow, schema = _engines(settings)
    shadow_tables = MetaData()
    for table in projection.tables:
        table.to_metadata(shadow_tables)
    with shadow.begin() as conn:
        shadow_tables.drop_all(conn)
        shadow_tables.create_all(conn)
    total = registry.recorder.max_notification_id() or 0
    with _fewer_collections():
        position = _replay(registry, projection, shadow, total, report, batch_size)
    _switch(live, schema, projection, position, settings.read_schema)
    live.dispose()
    return position


def _replay(
    registry: RegistryBase,
    projection: Projection,
    shadow: Engine,
    total: int,
    report: Callable[[Progress], None],
    batch_size: int,
) -> int:
    position, started = 0, time.monotonic()
    while True:
        notifications = notifications_after(registry.recorder, position, batch_size)
        if not notifications:
            break
        with shadow.begin() as conn:
            rows = Rows(conn)
            decoded = [  # decoding is much of the cost: only what counts
                (as_read(projection, Stored(n, registry.mapper)), n.id)
                for n in notifications
                if projection.wants(n.topic)
            ]
            if projection.uses_rows:
                projection.prefetch(rows, [event for event, _ in decoded])
            for event, at in decoded:
                projection.handle(rows if projection.uses_rows else conn, event, at)
            rows.flush()
        position = notifications[-1].id
        total = max(total, position)
        report(Progress(position, total, position / max(time.monotonic() - started, 1e-9)))
    return position


def _switch(live: Engine, schema: str, projection: Projection, at: int, into: str) -> None:
    """Make the shadow tables live and move the tracking position to `at`, atomically."""
    with live.begin() as conn:
        if live.dialect.name == "postgresql":
            _swap(conn, schema, projection, into)
        else:
            for table in projection.tables:
                source = table.to_metadata(MetaData(), schema=schema)
                conn.execute(delete(table))
                conn.execute(insert(table).from_select(list(table.columns.keys()), select(source)))
                source.drop(conn)
        conn.execute(
            sql_update(tracking).where(tracking.c.projection == projection.name).values(position=at)
        )


def _swap(conn: Connection, schema: str, projection: Projection, into: str) -> None:
    """Replace each live table by its shadow (same columns, indexes and names) instead of
    copying the rows across, which took a quarter of a rebuild. Readers see the old rows
    until the commit, as with a copy, but wait for the swap's brief exclusive lock; a
    swap that cannot get it within LOCK_WAIT fails and changes nothing, so that it never
    holds up every read behind one long query."""
    conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
    for table in projection.tables:
        try:
            conn.execute(text(f'DROP TABLE "{into}"."{table.name}"'))
        except OperationalError as error:
            if not isinstance(error.orig, LockNotAvailable):
                raise
            raise SwitchBlocked(
                f"{table.name} stayed in use for {LOCK_WAIT}; nothing was switched, run again"
            ) from None
        conn.execute(text(f'ALTER TABLE "{schema}"."{table.name}" SET SCHEMA "{into}"'))
        # Every row is new: fresh statistics for the planner, as after any bulk load.
        conn.execute(text(f'ANALYZE "{into}"."{table.name}"'))

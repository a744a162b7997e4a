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

from sqlalchemy import Engine, MetaData, event, text

from projections.machinery.base import Projection
from projections.machinery.engines import sync_engine
from projections.machinery.rows import Rows
from projections.machinery.stored import Stored, as_read
from projections.machinery.switchover import switch
from projections.running.read_side import all_projections
from registry.base import RegistryBase
from registry.event_log import notifications_after
from registry.settings import Settings

SHADOW = "rebuild"


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    rate: float  # events per second

    @property
    def seconds_left(self) -> float:
        return (self.total - self.done) / self.rate if self.rate > 0 else 0.0


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
    Objects made before it started are frozen out of the scans. No full collection first:
    in a long-lived process with a large heap it alone took seconds, and any garbage frozen
    here is collected as usual once the rebuild unfreezes it."""
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
    try:
        with _fewer_collections():
            position = _replay(registry, projection, shadow, total, report, batch_size)
        switch(live, schema, projection, position, settings.read_schema)
    finally:
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

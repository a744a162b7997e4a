"""A rebuild's switch-over: the shadow tables take the live tables' place, atomically.

The projection's tracking row is locked first, as every follower's batch locks the tracking
rows before it touches a table, so a switch-over and a follower never wait on each other in
a cycle: a batch in flight finishes first, and a later one waits for the switch-over (then
fails its compare-and-set and reloads).
"""

from __future__ import annotations

import time

from psycopg.errors import LockNotAvailable
from sqlalchemy import Connection, Engine, MetaData, delete, insert, select, text
from sqlalchemy import update as sql_update
from sqlalchemy.exc import OperationalError

from projections.machinery.base import Projection
from projections.tables import tracking

# Readers and writers of the live tables queue behind the swap's exclusive locks while it
# waits for them, so it waits briefly, and tries again a few times before it gives up.
LOCK_WAIT = "2s"
ATTEMPTS = 5
PAUSE = 1.0  # seconds between attempts


class SwitchBlocked(RuntimeError):
    """The live tables stayed in use past every attempt: the switch-over changed nothing."""


def switch(live: Engine, schema: str, projection: Projection, at: int, into: str) -> None:
    """Make the shadow tables (in `schema`) live in `into` and move tracking to `at`."""
    postgres = live.dialect.name == "postgresql"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with live.begin() as conn:
                conn.execute(
                    sql_update(tracking)
                    .where(tracking.c.projection == projection.name)
                    .values(position=at)
                )
                if postgres:
                    _swap(conn, schema, projection, into)
                else:
                    _copy(conn, schema, projection)
            break
        except SwitchBlocked:
            if attempt == ATTEMPTS:
                raise
            time.sleep(PAUSE)
    if postgres:
        # Every row is new: fresh statistics for the planner, as after any bulk load (after
        # the commit, so that the exclusive locks are not held while it reads the tables).
        with live.begin() as conn:
            for table in projection.tables:
                conn.execute(text(f'ANALYZE "{into}"."{table.name}"'))


def _swap(conn: Connection, schema: str, projection: Projection, into: str) -> None:
    """Replace each live table by its shadow (same columns, indexes and names) instead of
    copying the rows across, which took a quarter of a rebuild. Readers see the old rows
    until the commit, as with a copy."""
    conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
    names = ", ".join(f'"{into}"."{table.name}"' for table in projection.tables)
    try:  # every table at once, so that none is held while another is waited for
        conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    except OperationalError as error:
        if not isinstance(error.orig, LockNotAvailable):
            raise
        raise SwitchBlocked(
            f"{names} stayed in use ({ATTEMPTS} tries of {LOCK_WAIT}); nothing was switched, "
            "run it again"
        ) from None
    for table in projection.tables:
        conn.execute(text(f'DROP TABLE "{into}"."{table.name}"'))
        conn.execute(text(f'ALTER TABLE "{schema}"."{table.name}" SET SCHEMA "{into}"'))


def _copy(conn: Connection, schema: str, projection: Projection) -> None:
    """SQLite: the shadow rows replace the live ones (the whole database is locked anyway)."""
    for table in projection.tables:
        source = table.to_metadata(MetaData(), schema=schema)
        conn.execute(delete(table))
        conn.execute(insert(table).from_select(list(table.columns.keys()), select(source)))
        source.drop(conn)

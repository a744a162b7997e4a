"""Writing checked batches to the event store: which ids it holds, COPY on PostgreSQL, the
writer thread, and fresh statistics after a bulk load."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from cli.importing.checking import Checked
from registry.base import RegistryBase


def existing_ids(registry: RegistryBase, candidates: Sequence[UUID]) -> set[UUID]:
    """Which of these aggregates the store already holds, in one query where it can."""
    if not candidates:
        return set()
    recorder: Any = registry.recorder
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if table and datastore is not None and hasattr(datastore, "schema"):  # PostgreSQL
        from psycopg.sql import SQL, Identifier

        query = SQL(
            "SELECT originator_id FROM {}.{} WHERE originator_id = ANY(%s) "
            "AND originator_version = 1"
        ).format(Identifier(datastore.schema), Identifier(table))
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (list(candidates),))
            return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}
    if table and datastore is not None:  # SQLite keeps ids as hex strings
        found: set[UUID] = set()
        for start in range(0, len(candidates), 500):  # within SQLite's variable limit
            chunk = candidates[start : start + 500]
            marks = ",".join("?" * len(chunk))
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT originator_id FROM {table} "
                    f"WHERE originator_version = 1 AND originator_id IN ({marks})",
                    [c.hex for c in chunk],
                )
                found.update(UUID(str(row[0])) for row in cursor.fetchall())
        return found
    return {c for c in candidates if registry.exists(c)}  # any other recorder


class Writer(threading.Thread):
    """Appends checked batches in order while the caller checks the next ones.

    The queue is short (memory stays bounded). After a failure it keeps draining, so the
    producer never blocks; the error is raised to the producer at its next `put`/`close`.
    """

    def __init__(self, write: Callable[[Checked], None]) -> None:
        super().__init__(name="import-writer", daemon=True)
        self.write = write
        self.queue: queue.Queue[Checked | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.write(item)
                except BaseException as error:  # noqa: BLE001 - handed to the producer
                    self.error = error

    def put(self, item: Checked) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self) -> None:
        """Wait for every queued batch to be written (or to fail)."""
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error


def copy_events(recorder: Any, stored: Sequence[StoredEvent]) -> None:
    """The recorder's `insert_events`, with COPY (binary) in place of its INSERT.

    Same transaction shape: the EXCLUSIVE table lock (so notification ids are committed in
    order and no reader skips a gap), the NOTIFY that wakes subscribers, then the rows;
    the table's defaults give the notification ids as for an INSERT.
    """
    from psycopg.sql import SQL, Identifier

    datastore = recorder.datastore
    statement = SQL(
        "COPY {}.{} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
    ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
    # `get_connection` turns psycopg's IntegrityError into eventsourcing's.
    with datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
        # What the recorder's private `_lock_table` and `_notify_channel` do, from its
        # public statements and channel name.
        for lock in recorder.lock_table_statements:
            cursor.execute(lock, prepare=True)
        cursor.execute(SQL("NOTIFY {}").format(Identifier(recorder.channel_name)))
        with cursor.copy(statement) as copy:
            copy.set_types([datastore.originator_id_type, "int8", "text", "bytea"])
            for event in stored:
                copy.write_row(
                    (event.originator_id, event.originator_version, event.topic, event.state)
                )


def analyze_events(registry: RegistryBase) -> None:
    """Refresh PostgreSQL's statistics of the event table after a bulk load.

    Without them (autovacuum off, or not yet run) the planner guesses hundreds of thousands
    of rows per aggregate id, and loading one aggregate became a parallel scan with JIT
    compilation: about 50 commands a second at 10 million events instead of 550.
    """
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    recorder = registry.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        return  # SQLite finds an aggregate's events by its primary key without statistics
    datastore = recorder.datastore
    table = Identifier(datastore.schema, recorder.events_table_name)
    with datastore.get_connection() as conn:
        conn.execute(SQL("ANALYZE {}").format(table))

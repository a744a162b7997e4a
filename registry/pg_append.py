"""PostgreSQL recorder: appends in one round trip, aggregate reads without re-rendering SQL.

The library's recorder appends in a client-driven transaction: lock the event table,
notify, insert, wait for the result, then commit, each step a message from Python. The
table lock (which keeps notification ids in commit order, so that readers never pass a
gap that fills later) is held all that time, including while the appending thread waits
for the GIL between steps; under load that wait, not the database, bounded the append
rate. Here one autocommit statement calls a function that does the same steps on the
server, so the lock is held only for the insert and the commit. The rows, the lock, the
notification and the errors (a duplicate version is an IntegrityError, nothing of the
batch is written) are the library's; only the round trips change.

Reading an aggregate's events, the library composes its statement from `psycopg.sql`
parts and renders (quotes) them again on every call, a fifth of an API worker's time on
the write path; here each of the few statement shapes is rendered once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier


class OneTripRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL application recorder, appending with one statement."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        function = f"{events_table_name}_append"
        self.check_identifier_length(function)
        schema, table = Identifier(datastore.schema), Identifier(events_table_name)
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "ids uuid[], versions bigint[], topics text[], states bytea[]) "
                "RETURNS TABLE (originator_id uuid, originator_version bigint, "
                "notification_id bigint) "
                "LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} AS t "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING t.originator_id, t.originator_version, t.notification_id; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=Identifier(function),
                table=table,
                timeout=SQL(str(int(datastore.lock_timeout))),
                channel=Identifier(self.channel_name),
            )
        )
        self._append: bytes | None = None  # rendered on first use
        self._select_statements: dict[tuple[bool, bool, bool, bool], bytes] = {}
        self.append_statement = SQL("SELECT * FROM {schema}.{function}(%s, %s, %s, %s)").format(
            schema=schema, function=Identifier(function)
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        shape = (gt is not None, lte is not None, desc, limit is not None)
        params = [originator_id, *(p for p in (gt, lte, limit) if p is not None)]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            statement = self._select_statements.get(shape)
            if statement is None:
                statement = self._select_statements[shape] = self._select(*shape).as_bytes(conn)
            curs.execute(statement, params, prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]

    def _select(self, gt: bool, lte: bool, desc: bool, limit: bool) -> Composed:
        """The library's statement for this shape of query (see its `select_events`)."""
        statement = self.select_events_statement
        if gt:
            statement += SQL(" AND originator_version > %s")
        if lte:
            statement += SQL(" AND originator_version <= %s")
        statement += SQL(
            " ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC"
        )
        if limit:
            statement += SQL(" LIMIT %s")
        return statement

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if any(v is not None for v in kwargs.values()) or not stored_events:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids  # e.g. with a tracking record: the library's own way
        params = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if self._append is None:
                self._append = self.append_statement.as_bytes(conn)
            curs.execute(self._append, params, prepare=True)
            rows = curs.fetchall()
        got: dict[tuple[str, int], int] = {
            (str(r["originator_id"]), r["originator_version"]): r["notification_id"] for r in rows
        }
        try:  # in the order of the given events, whatever order the rows came back in
            return [got[(str(e.originator_id), e.originator_version)] for e in stored_events]
        except KeyError:
            msg = f"appended {len(rows)} events of {len(stored_events)}"
            raise ProgrammingError(msg) from None

"""The read-model writes of one batch of events, coalesced in memory and flushed in bulk.

Handlers insert and update rows through `Rows` instead of executing a statement per event.
A row inserted in the batch stays in memory and later updates change it there, so a
candidacy entered, evaluated, ranked and awarded within one batch costs one INSERT. Updates
of rows already in the database are merged per row and written with one executemany per
table and set of columns; on PostgreSQL new rows go in by COPY, which skips the statement
machinery per row that made inserts most of a rebuild's time. `flush()` runs in the
caller's transaction, the one that also advances the tracking position, so a batch is still
applied exactly once or not at all.

An update value may be a function of the row's current values (a counter, a coalesce);
such an update loads the row first when it is not yet in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

Row = dict[str, Any]
Change = Callable[[Row], Any]
PREFETCH = 1000  # keys per prefetch query
_KEY = "_rows_key"  # the bind parameter naming the primary key in bulk updates


@cache
def _key_column(table: Table) -> str:
    (column,) = table.primary_key.columns  # every read-model table has a one-column key
    return column.name


@cache
def _blank(table: Table) -> Row:
    """As the database would fill it: a column left out is NULL (or, flushed, its default)."""
    return {c.name: None for c in table.columns if c.default is None and c.server_default is None}


class Rows:
    """Pending inserts and updates of one transaction, per table and primary key."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._new: defaultdict[Table, dict[Any, Row]] = defaultdict(dict)
        # Rows already in the database: their loaded values (if loaded) and pending changes.
        self._loaded: defaultdict[Table, dict[Any, Row | None]] = defaultdict(dict)
        self._changed: defaultdict[Table, dict[Any, Row]] = defaultdict(dict)

    def insert(self, table: Table, row: Mapping[str, Any]) -> None:
        key = row[_key_column(table)]
        if key in self._new[table]:  # one already in the database fails at flush, as it should
            raise ValueError(f"{table.name} already holds {key!r}")
        self._new[table][key] = {**_blank(table), **row}

    def update(self, table: Table, key: Any, **values: Any) -> None:
        """Set columns of a row; a callable value is applied to the row's current values."""
        row = self._new[table].get(key)
        if row is None and any(callable(v) for v in values.values()):
            row = self._load(table, key)
            if row is None:
                return  # as an UPDATE of a missing row would: nothing
        if row is not None:
            changes = {c: v(row) if callable(v) else v for c, v in values.items()}
            row.update(changes)
            if key not in self._new[table]:
                self._changed[table].setdefault(key, {}).update(changes)
            return
        self._changed[table].setdefault(key, {}).update(values)
        loaded = self._loaded[table].get(key)
        if loaded is not None:
            loaded.update(values)

    def get(self, table: Table, key: Any) -> Row | None:
        """The row as the batch has made it so far, or None."""
        row = self._new[table].get(key)
        return row if row is not None else self._load(table, key)

    def prefetch(self, table: Table, keys: Iterable[Any]) -> None:
        """Load, a thousand to a query, the rows that `get` and `update` will ask for."""
        loaded, new, changed = self._loaded[table], self._new[table], self._changed[table]
        missing = list({k for k in keys if k not in loaded and k not in new})
        column = table.c[_key_column(table)]
        for start in range(0, len(missing), PREFETCH):
            chunk = missing[start : start + PREFETCH]
            found = {
                row[column.name]: dict(row)
                for row in self.conn.execute(select(table).where(column.in_(chunk))).mappings()
            }
            for key in chunk:
                row = found.get(key)
                if row is not None:
                    row.update(changed.get(key, {}))
                loaded[key] = row

    def _load(self, table: Table, key: Any) -> Row | None:
        loaded = self._loaded[table]
        if key not in loaded:
            found = self.conn.execute(
                select(table).where(table.c[_key_column(table)] == key)
            ).first()
            row = dict(found._mapping) if found is not None else None
            if row is not None:
                row.update(self._changed[table].get(key, {}))
            loaded[key] = row
        return loaded[key]

    def flush(self) -> None:
        """Write everything pending in the connection's transaction, then forget it."""
        for table, rows in self._new.items():
            if rows:
                self._insert(table, list(rows.values()))
        for table, changed in self._changed.items():
            key = _key_column(table)
            by_columns: defaultdict[tuple[str, ...], list[Row]] = defaultdict(list)
            for row_key, values in changed.items():
                by_columns[tuple(sorted(values))].append({_KEY: row_key, **values})
            for columns, params in by_columns.items():
                statement = (
                    update(table)
                    .where(table.c[key] == bindparam(_KEY))
                    .values({c: bindparam(c) for c in columns})
                )
                self.conn.execute(statement, params)
        self._new.clear()
        self._loaded.clear()
        self._changed.clear()

    def _insert(self, table: Table, rows: list[Row]) -> None:
        named = {c for row in rows for c in row}
        columns = [c for c in table.columns if c.name in named]  # the table's order
        if len(columns) != len(named):  # as an INSERT would refuse them
            unknown = sorted(named - {c.name for c in columns})
            raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
        if self.conn.dialect.name != "postgresql":
            # executemany takes its columns from the first row: give every row all of them.
            blank = dict.fromkeys(named)
            self.conn.execute(insert(table), [{**blank, **row} for row in rows])
            return
        # The values as an INSERT would bind them (JSON text, naive UTC times, ...).
        dialect = self.conn.dialect
        steps = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in columns]
        schema = (self.conn.get_execution_options().get("schema_translate_map") or {}).get(
            table.schema, table.schema
        )
        name = sql.Identifier(schema, table.name) if schema else sql.Identifier(table.name)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            name, sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
        )
        driver = cast("psycopg.Connection[Any]", self.conn.connection.driver_connection)
        cursor = driver.cursor()  # the same connection, so the same transaction
        try:
            with cursor.copy(statement) as copy:
                for row in rows:
                    # None too: a JSON column's None is JSON null, as in an INSERT.
                    copy.write_row(
                        [
                            row.get(column) if step is None else step(row.get(column))
                            for column, step in steps
                        ]
                    )
        except psycopg.Error as error:
            # Raised as an INSERT through SQLAlchemy would raise it, so that callers (the
            # follower retries a failed batch) meet one kind of database error.
            raise DBAPIError.instance(
                statement.as_string(driver), None, error, psycopg.Error
            ) from error

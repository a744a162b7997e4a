"""The PostgreSQL event recorder: the library's, with a large append sent in full before its sync.

The library appends in psycopg's pipeline mode: the table lock, the NOTIFY and the INSERT
are queued, then `Pipeline.sync()` sends a Sync and waits for the results. psycopg
(3.3.9, both its C and Python implementations) stops sending once the last queued command
has been handed to libpq, even when libpq still holds part of it unsent, and then only
waits to read. An INSERT larger than the sockets' buffers (about 5 MB on localhost: a
ranking of 10,000 entries, a big import batch) then never reaches the server in full: the
server waits for the rest of the message, the client for the server's answer, forever
(psycopg issue #685 was the same deadlock on leaving the pipeline, fixed there only).
Sending the whole INSERT before the sync keeps everything else as the library does it:
the lock that keeps notification ids in commit order, the NOTIFY, and an IntegrityError
raised at the sync on a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.generators import send
from psycopg.rows import DictRow


class PostgresRecorder(PostgresApplicationRecorder):
    """`PostgresApplicationRecorder` that flushes libpq's output before the pipeline's sync."""

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        super()._insert_stored_events(curs, stored_events, **kwargs)
        conn = curs.connection
        # psycopg's own loop for this (it reads while it writes, so neither side can block
        # the other): returns once libpq's output buffer is empty.
        conn.wait(send(conn.pgconn))

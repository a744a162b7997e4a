"""One active process per role and database, the others standing by (PostgreSQL).

The active process holds a session advisory lock; if it dies, the server releases the lock
with its connection and a standby takes it. The projection worker and the webhook dispatcher
each hold their own lock.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from projections.machinery.engines import libpq_conninfo
from registry.settings import Settings

log = logging.getLogger(__name__)


@contextmanager
def leadership(
    settings: Settings, stop: threading.Event, key: int, role: str
) -> Iterator[psycopg.Connection | None]:
    """Block until this process is the active `role` (holding advisory lock `key`); yield the
    lock-holding connection."""
    if not settings.is_postgres:
        yield None  # the embedded store has one process
        return
    # The application name lets operators (and tests) see which process is active.
    name = f"leader-registry-{role}-{os.getpid()}"
    conn = psycopg.connect(
        libpq_conninfo(settings.database_url), autocommit=True, application_name=name
    )
    try:
        while not stop.is_set():
            if conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone() == (True,):
                log.info("this process is now the active %s", role)
                yield conn
                return
            stop.wait(1.0)
        yield None
    finally:
        conn.close()

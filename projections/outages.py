"""Errors that mean "a database cannot be reached for now", whichever library raised them."""

from __future__ import annotations

import logging
import sqlite3

import asyncpg
import eventsourcing.persistence as es
import psycopg
import sqlalchemy.exc as sa

# Retrying later is the answer to these: they say nothing about the data being written.
UNAVAILABLE: tuple[type[Exception], ...] = (
    es.OperationalError,  # the event store's, also for a pool that cannot connect
    es.InterfaceError,
    sa.OperationalError,
    sa.InterfaceError,
    sa.DisconnectionError,
    sa.TimeoutError,  # no pooled connection came free
    psycopg.OperationalError,
    psycopg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,  # an administrator shut the server down
    asyncpg.InterfaceError,
    sqlite3.OperationalError,  # a locked or unreadable database file
    ConnectionError,  # refused or reset before a driver wrapped it
)

# Every kind of error the database libraries raise: an unreachable server shows as some of
# them too (a connection broken mid-operation), as `unavailable` tells by their causes.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    es.PersistenceError,
    sa.DBAPIError,
    psycopg.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    sqlite3.Error,
)


def unavailable(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from, says a database is unreachable."""
    seen: BaseException | None = error
    for _ in range(8):  # the chain is short; a cycle must not hang anything
        if seen is None:
            return False
        if isinstance(seen, UNAVAILABLE) or getattr(seen, "connection_invalidated", False):
            return True
        seen = seen.__cause__
    return False


class Unreachable(ConnectionError):
    """A database was found unreachable moments ago: a write is refused at once rather
    than waiting, perhaps for a minute, for a connection the event store's pool retries."""


class Pacer:
    """For a loop that must outlive any error: says once when a kind of failure starts
    and once when it ends (not on every retry), and paces the retries."""

    def __init__(self, what: str, logger: logging.Logger, first: float = 0.1, most: float = 5.0):
        self.what = what
        self.log = logger
        self.first = first
        self.most = most
        self.pause = first
        self.down = False  # the last failure said a database is unreachable
        self._failing: str | None = None

    def failed(self, error: BaseException) -> float:
        """Note a failure (logged if it is a new one); returns the pause before the retry."""
        text = f"{type(error).__name__}: {error}"
        self.down = unavailable(error)
        if text != self._failing:
            if unavailable(error):  # expected in an outage: no traceback needed
                self.log.warning("%s: a database is unreachable (%s); retrying", self.what, text)
            else:
                self.log.error("%s failed; retrying", self.what, exc_info=error)
            self._failing = text
            self.pause = self.first
        else:
            self.pause = min(self.pause * 2, self.most)
        return self.pause

    def succeeded(self) -> None:
        self.down = False
        if self._failing is not None:
            self.log.warning("%s: working again", self.what)
            self._failing = None
            self.pause = self.first

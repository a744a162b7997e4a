"""Test databases: empty ones, and copies of a template at the current schema.

A template is built once per test process (each pytest-xdist worker its own) and copied
for every test that wants a store at head: a SQLite template is a directory of files, a
PostgreSQL template a database ``registry_tpl_<hex>`` that ``CREATE DATABASE ... TEMPLATE``
copies. Nothing may stay connected to a template, or the copy fails.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from projections.machinery import schema
from projections.machinery.engines import libpq_conninfo, sync_engine
from registry.application import LeaderRegistry
from registry.settings import Settings

POSTGRES_URL_ENV = "REGISTRY_TEST_POSTGRES_URL"
SQLITE_FILE = "registry.sqlite3"


def migrate(settings: Settings) -> None:
    """Create what the service creates at start: the event store's tables, the read models."""
    LeaderRegistry(env=settings.event_store_env()).close()
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
    finally:
        engine.dispose()


def sqlite_settings(directory: Path) -> Settings:
    """Settings for the SQLite store in `directory` (its files made on first use)."""
    return Settings(database_url=f"sqlite:///{directory}/{SQLITE_FILE}")


def build_sqlite_template(directory: Path) -> Path:
    """A migrated SQLite store in `directory`: its files, closed, with no write-ahead log."""
    migrate(sqlite_settings(directory))
    leftovers = [p.name for p in directory.iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert not leftovers, f"a connection to the SQLite template is still open: {leftovers}"
    return directory


def copy_sqlite_template(template: Path, directory: Path) -> Settings:
    """Settings for a copy of the template's files in `directory`."""
    for path in template.iterdir():
        shutil.copyfile(path, directory / path.name)
    return sqlite_settings(directory)


def postgres_server() -> URL:
    """The server named by REGISTRY_TEST_POSTGRES_URL; skips without it (fails in CI)."""
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        reason = f"{POSTGRES_URL_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; PostgreSQL tests must not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    return make_url(server_url)


class PostgresDatabases:
    """Creates test databases on the server, and drops them on a thread of its own: a drop
    waits for the server (its backends leaving, a barrier every backend must pass), and
    no test need wait for that."""

    def __init__(self, server: URL) -> None:
        self.server = server
        self.admin = psycopg.connect(libpq_conninfo(server), autocommit=True)
        self._drops: queue.Queue[str | None] = queue.Queue(maxsize=8)
        self._errors: list[psycopg.Error] = []
        dropping = psycopg.connect(libpq_conninfo(server), autocommit=True)
        self._dropper = threading.Thread(
            target=self._drop_queued, args=(dropping,), name="test-database-dropper"
        )
        self._dropper.start()

    def create(self, prefix: str, template: str | None = None) -> Settings:
        """Settings for a new database `<prefix><hex>` (a copy of `template`, if given)."""
        name = f"{prefix}{uuid.uuid4().hex[:12]}"
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self.admin.execute(create)
        return Settings(database_url=self.server.set(database=name).render_as_string(False))

    def drop_later(self, settings: Settings) -> None:
        """Drop the database of `settings` soon, on the dropping thread."""
        self._drops.put(make_url(settings.database_url).database)

    def close(self) -> None:
        """Drop every database still queued, then close; raises what a drop raised."""
        self._drops.put(None)
        self._dropper.join()
        self.admin.close()
        if self._errors:
            raise self._errors[0]

    def _drop_queued(self, conn: psycopg.Connection[Any]) -> None:
        with conn:
            while (name := self._drops.get()) is not None:
                try:
                    conn.execute(drop_statement(name))
                except psycopg.Error as error:  # reported by `close`; later drops go on
                    self._errors.append(error)


def drop_statement(name: str) -> sql.Composed:
    return sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))


@contextmanager
def postgres_template(databases: PostgresDatabases) -> Iterator[str]:
    """The name of a migrated database to copy, nothing connected to it; dropped after."""
    settings = databases.create("registry_tpl_")
    name = make_url(settings.database_url).database
    assert name is not None
    try:
        migrate(settings)
        yield name
    finally:
        databases.admin.execute(drop_statement(name))

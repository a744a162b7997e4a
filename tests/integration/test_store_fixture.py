"""Self-test of the store fixtures: every test gets a reachable database of its own, empty
(`empty_store`) or at the current schema (`store`, `sqlite_store`, `postgres_store`)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.tables import metadata
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.conftest import pg_conninfo


def at_head(settings: Settings) -> None:
    """The read models at the head revision, and an event store whose log is empty."""
    engine = sync_engine(settings)
    try:
        assert schema.current_revision(engine) == schema.head_revision()
        with engine.connect() as conn:
            assert set(metadata.tables) <= set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    tables = settings.model_copy(update={"create_event_tables": False})
    registry = LeaderRegistry(env=tables.event_store_env())  # fails without the tables
    try:
        assert registry.recorder.max_notification_id() in (None, 0)
    finally:
        registry.close()


def test_empty_store_is_fresh_and_empty(empty_store: Settings) -> None:
    url = make_url(empty_store.database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        path = Path(url.database)
        assert path.parent.is_dir()
        assert not path.exists()
        return

    assert empty_store.is_postgres
    assert url.database is not None
    assert url.database.startswith("registry_test_")
    with psycopg.connect(pg_conninfo(url)) as conn:
        row = conn.execute(
            "select current_database(), count(*) from information_schema.tables"
            " where table_schema not in ('pg_catalog', 'information_schema')"
        ).fetchone()
    assert row == (url.database, 0)


def test_store_is_fresh_and_at_the_current_schema(store: Settings, tmp_path: Path) -> None:
    url = make_url(store.database_url)
    assert url.database is not None
    if url.get_backend_name() == "sqlite":
        assert Path(url.database).parent == tmp_path  # a copy of the test's own
    else:
        assert url.database.startswith("registry_test_")
    at_head(store)


def test_sqlite_store_is_sqlite_at_the_current_schema(sqlite_store: Settings) -> None:
    url = make_url(sqlite_store.database_url)
    assert url.get_backend_name() == "sqlite"
    assert not sqlite_store.is_postgres
    at_head(sqlite_store)


def test_postgres_store_is_postgres_at_the_current_schema(postgres_store: Settings) -> None:
    assert postgres_store.is_postgres
    at_head(postgres_store)

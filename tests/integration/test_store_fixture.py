"""Self-test of the `store` fixture: every test gets a reachable, empty database."""

from __future__ import annotations

from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from registry.settings import Settings
from tests.conftest import pg_conninfo


def test_store_is_fresh_and_empty(store: Settings) -> None:
    url = make_url(store.database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        path = Path(url.database)
        assert path.parent.is_dir()
        assert not path.exists()
        return

    assert store.is_postgres
    assert url.database is not None
    assert url.database.startswith("registry_test_")
    with psycopg.connect(pg_conninfo(url)) as conn:
        row = conn.execute(
            "select current_database(), count(*) from information_schema.tables"
            " where table_schema = 'public'"
        ).fetchone()
    assert row == (url.database, 0)


def test_sqlite_store_is_sqlite(sqlite_store: Settings) -> None:
    url = make_url(sqlite_store.database_url)
    assert url.get_backend_name() == "sqlite"
    assert not sqlite_store.is_postgres
    assert url.database is not None
    assert not Path(url.database).exists()

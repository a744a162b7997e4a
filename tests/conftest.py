"""Store fixtures shared by the integration and end-to-end tests.

`store` runs a test once per backend and hands it a `Settings` pointing at a fresh,
empty database:

* ``sqlite``: a file under the test's ``tmp_path`` (not yet created);
* ``postgres``: a throw-away database ``registry_test_<hex>`` created on the server named
  by ``REGISTRY_TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``)
  and dropped afterwards. Without that variable the PostgreSQL case is skipped locally,
  but fails when ``CI`` is set: CI must never silently skip PostgreSQL.

`sqlite_store` is the SQLite case alone, for SQLite-specific tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from projections.machinery.engines import libpq_conninfo
from registry.settings import Settings

POSTGRES_URL_ENV = "REGISTRY_TEST_POSTGRES_URL"


def pg_conninfo(url: str | URL) -> str:
    """libpq conninfo for a (possibly ``postgresql+driver://``) SQLAlchemy URL."""
    return libpq_conninfo(url)


def _sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/registry.sqlite3")


def _postgres_settings() -> Iterator[Settings]:
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        reason = f"{POSTGRES_URL_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; PostgreSQL tests must not be skipped in CI", pytrace=False)
        pytest.skip(reason)

    url = make_url(server_url)
    name = f"registry_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_conninfo(url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield Settings(database_url=url.set(database=name).render_as_string(False))
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        yield _sqlite_settings(tmp_path)
    else:
        yield from _postgres_settings()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Settings:
    """Settings for a fresh, empty SQLite database (for SQLite-specific tests)."""
    return _sqlite_settings(tmp_path)


@pytest.fixture
def postgres_store() -> Iterator[Settings]:
    """Settings for a fresh PostgreSQL database (for multi-process tests)."""
    yield from _postgres_settings()

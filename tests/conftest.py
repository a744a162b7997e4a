"""Store fixtures shared by the integration and end-to-end tests.

`store` runs a test once per backend and hands it a `Settings` pointing at a fresh
database already at the current schema (the event store's tables and the read models),
copied from a template built once per test process (`tests.stores`); the code under test
still runs its own upgrade at start, a no-op at head:

* ``sqlite``: the template's files copied under the test's ``tmp_path``;
* ``postgres``: a throw-away database ``registry_test_<hex>``, made with ``CREATE DATABASE
  ... TEMPLATE registry_tpl_<hex>`` on the server named by ``REGISTRY_TEST_POSTGRES_URL``
  (e.g. ``postgresql://postgres@127.0.0.1:5432/test``) and dropped afterwards, on a thread
  of its own that the session's end waits for; the template is dropped then too. Without
  that variable the PostgreSQL case is skipped locally, but fails when ``CI`` is set: CI
  must never silently skip PostgreSQL.

`empty_store` is the same pair of backends with nothing in the database (a SQLite file not
yet created, a database straight from ``template1``), for the tests of what a first start,
a migration from an old revision or ``migrate`` does. `sqlite_store` and `postgres_store`
are one backend alone at the current schema (SQLite-specific and multi-process tests);
`empty_postgres_store` is PostgreSQL alone, empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from projections.machinery.engines import libpq_conninfo
from registry.settings import Settings
from tests import stores


def pg_conninfo(url: str | URL) -> str:
    """libpq conninfo for a (possibly ``postgresql+driver://``) SQLAlchemy URL."""
    return libpq_conninfo(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a SQLite store at the current schema, built once per process."""
    return stores.build_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[stores.PostgresDatabases]:
    """Creates the session's PostgreSQL databases; at its end, every one is dropped."""
    databases = stores.PostgresDatabases(stores.postgres_server())
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def postgres_template(postgres_databases: stores.PostgresDatabases) -> Iterator[str]:
    """A PostgreSQL database at the current schema, built once per process, dropped after."""
    with stores.postgres_template(postgres_databases) as name:
        yield name


def _postgres(request: pytest.FixtureRequest, *, migrated: bool) -> Iterator[Settings]:
    # Looked up only when wanted: a run without PostgreSQL builds no template.
    stores.postgres_server()  # skips (or fails in CI) first
    databases: stores.PostgresDatabases = request.getfixturevalue("postgres_databases")
    template = request.getfixturevalue("postgres_template") if migrated else None
    settings = databases.create("registry_test_", template)
    yield settings
    databases.drop_later(settings)


def _store(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Settings]:
    """A database at the current schema."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        yield stores.copy_sqlite_template(template, tmp_path)
    else:
        yield from _postgres(request, migrated=True)


def _empty(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[Settings]:
    if backend == "sqlite":
        yield stores.sqlite_settings(tmp_path)
    else:
        yield from _postgres(request, migrated=False)


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh database at the current schema: on SQLite, then PostgreSQL."""
    yield from _store(request, request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"], ids=["sqlite", "postgres"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty database: on SQLite, then PostgreSQL."""
    yield from _empty(request, request.param, tmp_path)


@pytest.fixture
def sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh SQLite database at the current schema (SQLite-specific tests)."""
    yield from _store(request, "sqlite", tmp_path)


@pytest.fixture
def postgres_store(request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings for a fresh PostgreSQL database at the current schema (multi-process tests)."""
    yield from _postgres(request, migrated=True)


@pytest.fixture
def empty_postgres_store(request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings for a fresh, empty PostgreSQL database."""
    yield from _postgres(request, migrated=False)

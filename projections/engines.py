"""SQLAlchemy engines for the read models, on SQLite (embedded) or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from projections.tables import metadata
from registry.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while the projection writes; a busy writer is waited for.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _options(settings: Settings) -> dict[str, Any]:
    if settings.is_postgres:
        return {"execution_options": {"schema_translate_map": {None: settings.read_schema}}}
    return {}


def sync_engine(settings: Settings) -> Engine:
    """The engine projections write through."""
    engine = create_engine(settings.read_url(asynchronous=False), **_options(settings))
    if not settings.is_postgres:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_engine(settings: Settings) -> AsyncEngine:
    """The engine queries read through."""
    engine = create_async_engine(settings.read_url(asynchronous=True), **_options(settings))
    if not settings.is_postgres:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_tables(engine: Engine, settings: Settings) -> None:
    """Create the read-model schema and tables that do not exist yet."""
    with engine.begin() as conn:
        if settings.is_postgres:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{settings.read_schema}"'))
        metadata.create_all(conn)

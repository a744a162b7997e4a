"""SQLAlchemy engines for the read models, on SQLite (embedded) or PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import orjson
import psycopg
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from registry.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while the projection writes; a busy writer is waited for.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _options(settings: Settings, *, asynchronous: bool) -> dict[str, Any]:
    """On PostgreSQL the read models live in their own schema, first on the search path."""
    if not settings.is_postgres:
        return {}
    if asynchronous:
        return {"connect_args": {"server_settings": {"search_path": settings.read_schema}}}
    return {"connect_args": {"options": f"-csearch_path={settings.read_schema}"}}


def _json_text(value: Any) -> str:
    # JSON columns hold whole events (history): orjson writes them several times faster
    # than the standard encoder, with the same meaning (non-ASCII as UTF-8, no spaces).
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # what only the standard encoder takes (huge integers)
        return json.dumps(value)


def sync_engine(settings: Settings) -> Engine:
    """The engine projections write through."""
    engine = create_engine(
        settings.read_url(asynchronous=False),
        json_serializer=_json_text,
        **_options(settings, asynchronous=False),
    )
    if not settings.is_postgres:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_engine(settings: Settings) -> AsyncEngine:
    """The engine queries read through."""
    engine = create_async_engine(
        settings.read_url(asynchronous=True), **_options(settings, asynchronous=True)
    )
    if not settings.is_postgres:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def prepare_schema(engine: Engine, settings: Settings) -> None:
    """On PostgreSQL, create the read models' schema if it does not exist."""
    if settings.is_postgres:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{settings.read_schema}"'))


def libpq_conninfo(url: str | URL) -> str:
    """libpq's conninfo for a (possibly `postgresql+driver://`) SQLAlchemy URL."""
    url = make_url(url)
    parts = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
    }
    return psycopg.conninfo.make_conninfo("", **{k: v for k, v in parts.items() if v is not None})

"""The baselines: what FastAPI alone, and FastAPI with one durable INSERT, can do here.

    BENCH_BASELINE_DSN=postgresql://... uvicorn bench.baseline:app_factory --factory --workers 2

* `GET /hello` answers a small JSON object;
* `POST /insert` takes a body shaped like an evaluation (`{"values": {...}}`), validates it
  with pydantic and inserts it as one row (one transaction, committed durably, i.e. with
  PostgreSQL's default `synchronous_commit = on`) through an asyncpg pool, answering
  `{"id", "position"}` like the registry's writes. With a `sqlite:///PATH` DSN, the row goes
  to SQLite (WAL, `synchronous=FULL`) through one aiosqlite connection per worker.

`setup(dsn)` creates the table.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

TABLE = "bench_baseline"


class Payload(BaseModel):
    values: dict[str, Decimal] = Field(default_factory=dict)


def _sqlite_path(dsn: str) -> str | None:
    return dsn.removeprefix("sqlite:///") if dsn.startswith("sqlite:///") else None


def setup(dsn: str) -> None:
    """Create the baseline's table (idempotent)."""
    path = _sqlite_path(dsn)
    if path is not None:
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
            )
        return
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(id bigserial PRIMARY KEY, body jsonb NOT NULL, at timestamptz DEFAULT now())"
        )


def create_app(dsn: str) -> FastAPI:
    state: dict[str, Any] = {}
    sqlite_path = _sqlite_path(dsn)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if sqlite_path is not None:
            import aiosqlite

            db = await aiosqlite.connect(sqlite_path)
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=FULL")
            await db.execute("PRAGMA busy_timeout=30000")
            state["sqlite"], state["lock"] = db, asyncio.Lock()
            try:
                yield
            finally:
                await db.close()
            return
        import asyncpg

        pool = await asyncpg.create_pool(dsn, min_size=4, max_size=32)
        state["pool"] = pool
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="baseline", lifespan=lifespan)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.post("/insert", status_code=201)
    async def insert(payload: Payload) -> dict[str, Any]:
        body = json.dumps({k: str(v) for k, v in payload.values.items()})
        if sqlite_path is not None:
            async with state["lock"]:
                cursor = await state["sqlite"].execute(
                    f"INSERT INTO {TABLE} (body) VALUES (?)", (body,)
                )
                await state["sqlite"].commit()
                row_id = cursor.lastrowid
        else:
            row_id = await state["pool"].fetchval(
                f"INSERT INTO {TABLE} (body) VALUES ($1) RETURNING id", body
            )
        return {"id": str(row_id), "position": int(row_id or 0)}

    return app


def app_factory() -> FastAPI:
    return create_app(os.environ["BENCH_BASELINE_DSN"])

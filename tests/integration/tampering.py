"""Tampering with a store as an intruder with database access would, for the tests."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

import psycopg
import sqlalchemy
from sqlalchemy import Engine

from projections.audit.leaves import LEAF_VERSION
from projections.audit.signed_checkpoints import register_key
from projections.tables import audit_checkpoints
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.signed_notes import Checkpoint, Signer, sign_note
from tests.clock import Clock
from tests.conftest import pg_conninfo

SIGNER = Signer.generate("registry.test/audit")


class Store:
    """Raw SQL on the event store's table, as an intruder with database access would."""

    def __init__(self, settings: Settings, registry: LeaderRegistry) -> None:
        self.table = registry.recorder.events_table_name  # type: ignore[attr-defined]
        self.postgres = settings.is_postgres
        self.id = "notification_id" if self.postgres else "rowid"
        if self.postgres:
            self.conn: Any = psycopg.connect(pg_conninfo(settings.database_url), autocommit=True)
        else:
            path = settings.event_store_env()["SQLITE_DBNAME"]
            self.conn = sqlite3.connect(path, isolation_level=None)

    def run(self, sql: str, *params: Any) -> list[Any]:
        sql = sql.format(t=self.table, id=self.id).replace("?", "%s" if self.postgres else "?")
        if not self.postgres:  # SQLite stores ids as text
            params = tuple(str(p) if isinstance(p, uuid.UUID) else p for p in params)
        cursor = self.conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []

    def row(self, position: int) -> tuple[Any, ...]:
        sql = "SELECT originator_id, originator_version, topic, state FROM {t} WHERE {id} = ?"
        return tuple(self.run(sql, position)[0])

    def put(self, position: int, row: tuple[Any, ...]) -> None:
        sql = (
            "UPDATE {t} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
            "WHERE {id} = ?"
        )
        self.run(sql, *row, position)


def change(store: Store, p: int) -> int:
    oid, version, topic, state = store.row(p)
    data = json.loads(bytes(state))
    data["timestamp"]["_data_"] = "2001-01-01T00:00:00+00:00"
    store.put(p, (oid, version, topic, json.dumps(data).encode()))
    return p


def delete(store: Store, p: int) -> int:
    store.run("DELETE FROM {t} WHERE {id} = ?", p)
    return p


def reorder(store: Store, p: int) -> int:
    a, b = store.row(p), store.row(p + 3)
    store.put(p, (uuid.uuid4(), *a[1:]))  # out of the way of the primary key first
    store.put(p + 3, a)
    store.put(p, b)
    return p


def insert(store: Store, p: int) -> int:
    """A forged event slipped in at `p`, the later ones renumbered to make room."""
    _, _, topic, state = store.row(p)
    store.run("UPDATE {t} SET {id} = -{id} WHERE {id} >= ?", p)
    store.run("UPDATE {t} SET {id} = 1 - {id} WHERE {id} < 0")
    sql = (
        "INSERT INTO {t} ({id}, originator_id, originator_version, topic, state) "
        "VALUES (?, ?, 1, ?, ?)"
    )
    store.run(sql, p, uuid.uuid4(), topic, state)
    return p


def forge_next_version(raw: Store, record: Any, position: int) -> None:
    """A copy of the record's last event, as its next version, at a position of our own."""
    sql = (
        "SELECT originator_version, topic, state FROM {t} WHERE originator_id = ? "
        "ORDER BY originator_version DESC LIMIT 1"
    )
    version, topic, state = raw.run(sql, record)[0]
    sql = (
        "INSERT INTO {t} ({id}, originator_id, originator_version, topic, state) "
        "VALUES (?, ?, ?, ?, ?)"
    )
    raw.run(sql, position, record, version + 1, topic, state)


def forge_with_retired_key(engine: Engine, old: Signer) -> None:
    """Retire `old` (a new key of its name is registered), then store a checkpoint of a
    larger tree signed with it, as whoever kept the retired key could."""
    with engine.begin() as conn:
        register_key(conn, Signer.generate(old.name).verifier, Clock()())
        forged = Checkpoint(old.name, 99_999, bytes(32))
        conn.execute(
            sqlalchemy.insert(audit_checkpoints).values(
                tree_size=forged.size,
                root_hash=forged.root,
                key_id=old.verifier.key_id,
                note=sign_note(forged.body, old),
                created_at=Clock()(),
                leaf_version=LEAF_VERSION,
            )
        )

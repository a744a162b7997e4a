"""Tampering with stored events, or with an export, is detected and names the position."""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, select, update

from domain import merkle
from domain.notes import Signer
from projections import schema
from projections.audit import evaluate
from projections.audit_log import export_line, log_events
from projections.checkpoints import sign_now
from projections.engines import sync_engine
from projections.follower import Follower
from projections.leaves import canonical_json, leaf_of, private_header
from projections.runtime import all_projections
from projections.tables import audit_checkpoints, audit_leaves
from projections.verify import verify_store
from projections.verify_export import verify_export
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.conftest import pg_conninfo
from tests.integration.lifecycle import award_cycle, setup

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


@pytest.fixture
def world(store: Settings) -> Iterator[tuple[LeaderRegistry, Engine]]:
    clock = Clock()
    registry = LeaderRegistry(env=store.event_store_env(), clock=clock)
    world = setup(registry, clock)
    award_cycle(world, 2024, [40, 45, 45, 50])
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    Follower(registry, engine, all_projections()).catch_up()
    sign_now(engine, SIGNER, clock())
    award_cycle(world, 2025, [41, 44, 46, 52])
    registry.revoke_title(world.body, world.candidacies[-4], reason="false declaration")
    Follower(registry, engine, all_projections()).catch_up()
    sign_now(engine, SIGNER, clock())
    yield registry, engine
    engine.dispose()
    registry.close()


@pytest.mark.parametrize("tamper", [change, delete, reorder, insert])
def test_tampering_with_a_stored_event_is_found_at_its_position(
    store: Settings, world: tuple[LeaderRegistry, Engine], tamper: Callable[[Store, int], int]
) -> None:
    registry, engine = world
    assert verify_store(registry, engine).ok
    raw = Store(store, registry)
    position = tamper(raw, 12)
    raw.conn.close()
    report = verify_store(registry, engine)
    assert not report.ok
    assert report.position == position, report.problems
    assert f"position {position}" in report.problems[0]
    assert any("checkpoint" in p for p in report.problems)  # the signed roots differ too


def test_a_changed_leaf_in_the_audit_tree_is_found(world: tuple[LeaderRegistry, Engine]) -> None:
    registry, engine = world
    leaf = audit_leaves.c.leaf_index == 20
    with engine.begin() as conn:
        conn.execute(update(audit_leaves).where(leaf).values(hash=bytes(32)))
        position = conn.scalar(select(audit_leaves.c.position).where(leaf))
    report = verify_store(registry, engine)
    assert report.position == position


def _modify(lines: list[bytes], how: str, i: int) -> list[bytes]:
    lines = list(lines)
    if how == "change":
        lines[i] = lines[i].replace(b'"timestamp":"20', b'"timestamp":"19')
    elif how == "delete":
        del lines[i]
    elif how == "reorder":
        lines[i], lines[i + 3] = lines[i + 3], lines[i]
    else:
        lines.insert(i, lines[i + 5])
    return lines


class StoreLog:
    """The log's answers (LogSource) straight from the store, as the API gives them."""

    def __init__(self, registry: LeaderRegistry, engine: Engine) -> None:
        self.registry, self.engine = registry, engine

    def consistency(self, first: int, second: int) -> list[bytes]:
        with self.engine.connect() as conn:
            return evaluate(conn, partial(merkle.consistency_proof, first=first, second=second))

    def next_leaf(self, after: int, size: int) -> tuple[int, bytes, int, list[bytes]] | None:
        position, event = next(log_events(self.registry, after=after))
        with self.engine.connect() as conn:
            query = select(audit_leaves.c.leaf_index).where(audit_leaves.c.position == position)
            index = int(conn.execute(query).scalar_one())
            path = evaluate(conn, partial(merkle.inclusion_path, index=index, size=size))
        return position, merkle.leaf_hash(export_line(event, position)), index, path


def _export(registry: LeaderRegistry) -> list[bytes]:
    return [export_line(e, p) for p, e in log_events(registry)]


@pytest.mark.parametrize("how", ["change", "delete", "reorder", "insert"])
def test_a_modified_export_fails_offline_and_names_the_first_position_that_differs(
    world: tuple[LeaderRegistry, Engine], how: str
) -> None:
    registry, engine = world
    lines = _export(registry)
    notes = _notes(engine)
    keys = [SIGNER.verifier]
    log = StoreLog(registry, engine)
    assert verify_export(lines, notes, keys, log).ok
    assert verify_export(lines, notes, keys).ok
    modified = _modify(lines, how, 12)
    report = verify_export(modified, notes, keys, log)
    assert not report.ok
    # The signed log's own position at that leaf: for a deleted line, the one deleted.
    assert report.position == json.loads(lines[12])["position"], report.problems
    assert not verify_export(modified, notes, keys).ok  # without proofs: found, not placed
    assert not verify_export(lines, notes, [Signer.generate("other").verifier]).ok


@pytest.mark.parametrize("at", [3, -1])
def test_a_deleted_line_is_named_by_its_position_even_past_the_last_checkpoint(
    world: tuple[LeaderRegistry, Engine], at: int
) -> None:
    """The export is then shorter than the checkpoint: the position named is the deleted
    event's, never one past the end of the log."""
    registry, engine = world
    lines = _export(registry)
    deleted = json.loads(lines[at])["position"]
    del lines[at]
    report = verify_export(lines, _notes(engine), [SIGNER.verifier], StoreLog(registry, engine))
    assert not report.ok
    if at == -1:  # the export just stops early: nothing in it differs
        assert report.position is None
        assert "stops after" in report.problems[0]
    else:
        assert report.position == deleted, report.problems
        assert f"position {deleted}" in report.problems[0]


def _line_of(lines: list[bytes], suffix: str) -> int:
    return next(i for i, line in enumerate(lines) if json.loads(line)["type"].endswith(suffix))


def test_private_events_are_exported_as_their_public_header(
    world: tuple[LeaderRegistry, Engine],
) -> None:
    registry, engine = world
    lines = _export(registry)
    header = json.loads(lines[_line_of(lines, "Credential.Issued")])
    assert header.keys() == {"position", "aggregate_type", "type", "private", "content_sha256"}
    assert header["private"] is True
    assert header["aggregate_type"] == "Credential"
    assert verify_export(lines, _notes(engine), [SIGNER.verifier]).ok


def _hidden(line: bytes, how: str) -> bytes:
    """A public line made to look private."""
    data = json.loads(line)
    if how == "bare leaf hash":  # the leaf format 1 redaction
        leaf = base64.b64encode(merkle.leaf_hash(line)).decode()
        return canonical_json({"leaf_hash": leaf, "position": data["position"]})
    if how == "its own type":
        return canonical_json(private_header(data["position"], data["type"], line))
    return leaf_of({**data, "type": "domain.credential:Credential.Issued"})


@pytest.mark.parametrize("how", ["bare leaf hash", "its own type", "a private type"])
def test_the_export_cannot_hide_a_public_event(
    world: tuple[LeaderRegistry, Engine], how: str
) -> None:
    registry, engine = world
    lines = _export(registry)
    i = _line_of(lines, "Candidacy.Revoked")
    position = json.loads(lines[i])["position"]
    lines[i] = _hidden(lines[i], how)
    report = verify_export(lines, _notes(engine), [SIGNER.verifier], StoreLog(registry, engine))
    assert not report.ok
    assert report.position == position, report.problems
    assert f"position {position}" in report.problems[0]
    offline = verify_export(lines, _notes(engine), [SIGNER.verifier])  # no proofs at hand
    assert not offline.ok
    if how != "a private type":  # refused as a line, before any root is compared
        assert offline.position == position, offline.problems
        assert f"position {position}" in offline.problems[0]


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(audit_checkpoints.c.note)))


def _forge_next_version(raw: Store, record: Any, position: int) -> None:
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


def test_an_event_row_outside_the_log_is_reported(
    store: Settings, world: tuple[LeaderRegistry, Engine]
) -> None:
    """Position 0 (and, on PostgreSQL, a negative one) as the next version of an awarded
    candidacy: the application would load it, so verify reports it by its position."""
    registry, engine = world
    raw = Store(store, registry)
    sql = "SELECT originator_id FROM {t} WHERE topic LIKE ? LIMIT 1"
    candidacy = raw.run(sql, "%Candidacy.Awarded")[0][0]  # as stored
    positions = [-5, 0] if store.is_postgres else [0]
    for position in positions:
        _forge_next_version(raw, candidacy, position)
    raw.conn.close()
    report = verify_store(registry, engine)
    assert not report.ok
    assert report.position == positions[0]
    for position, problem in zip(positions, report.problems, strict=False):
        assert problem.startswith(f"position {position}: an event row outside the log")
        assert str(uuid.UUID(str(candidacy))) in problem


def test_a_hole_in_sqlite_positions_is_reported_even_with_a_rebuilt_tree(
    sqlite_store: Settings,
) -> None:
    """SQLite numbers events without gaps: a deleted row leaves a hole that verify names,
    even when the tree was rebuilt over the remaining rows and nothing was signed."""
    clock = Clock()
    registry = LeaderRegistry(env=sqlite_store.event_store_env(), clock=clock)
    award_cycle(setup(registry, clock), 2024, [40, 45, 45, 50])
    raw = Store(sqlite_store, registry)
    delete(raw, 7)
    delete(raw, 8)
    raw.conn.close()
    engine = sync_engine(sqlite_store)
    schema.upgrade(engine, sqlite_store)
    Follower(registry, engine, all_projections()).catch_up()
    report = verify_store(registry, engine)
    assert report.position == 7
    assert report.problems[0].startswith("position 7 to 8: no event row")
    engine.dispose()
    registry.close()


def test_a_row_beyond_the_postgres_sequence_is_reported(
    postgres_store: Settings,
) -> None:
    """PostgreSQL's positions may skip numbers, but none is above the sequence's last."""
    clock = Clock()
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=clock)
    award_cycle(setup(registry, clock), 2024, [40, 45, 45, 50])
    engine = sync_engine(postgres_store)
    schema.upgrade(engine, postgres_store)
    raw = Store(postgres_store, registry)
    head = registry.recorder.max_notification_id() or 0
    sql = "SELECT originator_id FROM {t} WHERE topic LIKE ? LIMIT 1"
    _forge_next_version(raw, raw.run(sql, "%Candidacy.Awarded")[0][0], head + 10)
    raw.conn.close()
    Follower(registry, engine, all_projections()).catch_up()  # even projected
    report = verify_store(registry, engine)
    assert any(
        p.startswith(f"position {head + 10}: beyond the last position") for p in report.problems
    ), report.problems
    engine.dispose()
    registry.close()

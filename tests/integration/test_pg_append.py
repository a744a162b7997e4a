"""The PostgreSQL recorder that appends in one round trip keeps the library's guarantees."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

from registry.application import LeaderRegistry
from registry.pg_append import OneTripRecorder
from registry.settings import Settings
from tests.clock import Clock
from tests.conftest import pg_conninfo


@pytest.fixture
def recorder(postgres_store: Settings) -> Iterator[OneTripRecorder]:
    app = LeaderRegistry(env=postgres_store.event_store_env(), clock=Clock())
    assert isinstance(app.recorder, OneTripRecorder)  # what the settings choose
    yield app.recorder
    app.close()


def stored(originator_id: uuid.UUID, version: int, state: bytes = b"{}") -> StoredEvent:
    return StoredEvent(
        originator_id=originator_id, originator_version=version, topic="t:E", state=state
    )


def test_appends_return_notification_ids_in_the_order_of_the_events(
    recorder: OneTripRecorder,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    events = [stored(b, 1), stored(a, 1), stored(b, 2), stored(a, 2, b"\x00\xff")]
    ids = recorder.insert_events(events)
    assert ids is not None and len(ids) == 4
    assert list(ids) == sorted(ids) and len(set(ids)) == 4
    rows = recorder.select_notifications(start=ids[0], limit=10)
    assert [(r.originator_id, r.originator_version, r.state) for r in rows] == [
        (e.originator_id, e.originator_version, e.state) for e in events
    ]
    assert [r.id for r in rows] == list(ids)


def test_a_taken_version_fails_the_whole_append(recorder: OneTripRecorder) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    recorder.insert_events([stored(a, 1)])
    head = recorder.max_notification_id()
    with pytest.raises(IntegrityError):
        recorder.insert_events([stored(b, 1), stored(a, 1)])
    assert recorder.select_events(b) == []  # nothing of the batch was written
    assert recorder.max_notification_id() == head


def test_reads_match_the_library_recorder_for_every_query_shape(
    recorder: OneTripRecorder,
) -> None:
    a = uuid.uuid4()
    recorder.insert_events([stored(a, v, f"{v}".encode()) for v in range(1, 8)])
    library = PostgresApplicationRecorder(
        recorder.datastore, events_table_name=recorder.events_table_name
    )
    shapes: list[dict[str, object]] = [
        {},
        {"gt": 3},
        {"lte": 5},
        {"gt": 2, "lte": 6},
        {"desc": True, "limit": 1},
        {"gt": 1, "lte": 7, "desc": True, "limit": 3},
    ]
    for shape in shapes:
        mine = recorder.select_events(a, **shape)
        theirs = library.select_events(a, **shape)
        assert mine == theirs, shape
        assert mine, shape


def test_appends_notify_listeners(recorder: OneTripRecorder, postgres_store: Settings) -> None:
    with psycopg.connect(pg_conninfo(postgres_store.database_url), autocommit=True) as conn:
        conn.execute(f'LISTEN "{recorder.channel_name}"')
        recorder.insert_events([stored(uuid.uuid4(), 1)])
        assert [n.channel for n in conn.notifies(timeout=5, stop_after=1)] == [
            recorder.channel_name
        ]


def test_readers_never_see_a_gap_fill_later(
    recorder: OneTripRecorder, postgres_store: Settings
) -> None:
    """The table lock is still taken, so events commit in notification-id order: once a
    reader has seen position p, no event below p appears later (a projection that
    passed it would miss it for ever)."""
    done = threading.Event()
    late: list[tuple[int, int, int]] = []  # (position seen, events below it then, now)

    def read() -> None:
        table = recorder.events_table_name
        with psycopg.connect(pg_conninfo(postgres_store.database_url), autocommit=True) as conn:
            seen: tuple[int, int] | None = None
            while not done.is_set():
                ids = [r[0] for r in conn.execute(f"SELECT notification_id FROM {table}")]
                if seen is not None and (n := sum(i <= seen[0] for i in ids)) != seen[1]:
                    late.append((*seen, n))
                if ids:
                    seen = (max(ids), len(ids))

    def append(_: int) -> None:
        recorder.insert_events([stored(uuid.uuid4(), 1) for _ in range(3)])

    reader = threading.Thread(target=read)
    reader.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(append, range(300)))
    finally:
        done.set()
        reader.join()
    assert late == []
    assert recorder.max_notification_id() == 900

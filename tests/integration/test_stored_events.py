"""Events read as stored give exactly what the decoded events give, for every event type."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from uuid import UUID

import orjson
import pytest
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.persistence import Mapper, Notification

from cli.demo.story import load_demo
from projections.audit import leaves
from projections.audit.stored_leaves import content, leaf_bytes
from projections.machinery.encoding import ENVELOPE, event_data
from projections.machinery.stored import Stored
from registry.application import LeaderRegistry
from registry.event_log import notifications_after

NOW = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def log(registry: LeaderRegistry) -> tuple[LeaderRegistry, list[Notification]]:
    """The demo dataset on the store, and its whole log."""
    load_demo(registry, now=NOW)
    return registry, list(notifications_after(registry.recorder, 0, 100_000))


def same_as_decoded(stored: Stored, mapper: Mapper[UUID]) -> None:
    event = mapper.to_domain_event(stored.notification)
    at = stored.position
    assert leaf_bytes(stored) == leaves.leaf_bytes(event, at), at
    assert stored.plain_data(ENVELOPE | {"actor"}) == event_data(event), at
    assert stored.originator_id == event.originator_id
    assert stored.originator_version == event.originator_version
    for name, value in vars(event).items():
        assert stored.field(name) == value and type(stored.field(name)) is type(value), name
    assert stored.field("no such field", "absent") == "absent"


def test_every_demo_event_reads_the_same_stored_as_decoded(
    log: tuple[LeaderRegistry, list[Notification]],
) -> None:
    registry, notifications = log
    kinds = set()
    for n in notifications:
        stored = Stored(n, registry.mapper)
        assert stored.state is not None  # the fast path, not the mapper's
        same_as_decoded(stored, registry.mapper)
        kinds.add(stored.type_name)
    # Every kind of value is in there: ids, decimals, times, dates and value objects.
    assert {"Declaration.Declared", "Candidacy.Ranked", "Complaint.Upheld"} <= kinds
    assert len(kinds) >= 20


def test_older_shapes_and_compressed_states_go_the_mappers_way(
    log: tuple[LeaderRegistry, list[Notification]],
) -> None:
    registry, notifications = log
    mapper = registry.mapper
    declared = next(n for n in notifications if n.topic.endswith("Declaration.Declared"))

    # An actor recorded before it had a request id: decoding fills in the default.
    state = orjson.loads(declared.state)
    del state["actor"]["_data_"]["request_id"]
    older = dataclasses.replace(declared, state=orjson.dumps(state))
    stored = Stored(older, registry.mapper)
    assert stored.state is not None
    same_as_decoded(stored, registry.mapper)
    assert stored.field("actor").request_id == ""

    # Numbers orjson reads otherwise than the mapper's parser (an integer beyond 64 bits
    # becomes a float) or not at all (NaN): the mapper's reading, and the same refusal.
    for odd in (2**70, 1.5, float("nan")):
        state["title"] = odd
        stored = Stored(dataclasses.replace(declared, state=json.dumps(state).encode()), mapper)
        event = mapper.to_domain_event(stored.notification)
        assert repr(stored.plain_data(ENVELOPE | {"actor"})) == repr(event_data(event))
        assert repr(stored.field("title")) == repr(odd)
        with pytest.raises((ValueError, TypeError)) as fast:
            leaf_bytes(stored)
        with pytest.raises((ValueError, TypeError)) as slow:
            leaves.leaf_bytes(event, stored.position)
        assert type(fast.value) is type(slow.value)

    # A store written with a compressor: only the mapper can read the state.
    zipped: Mapper[UUID] = Mapper(
        transcoder=registry.mapper.transcoder, compressor=ZlibCompressor()
    )
    event = registry.mapper.to_domain_event(declared)
    packed = zipped.to_stored_event(event)
    as_read = dataclasses.replace(declared, state=packed.state)
    stored = Stored(as_read, zipped)
    assert stored.state is None
    same_as_decoded(stored, zipped)


def test_a_time_in_another_zone_is_written_in_utc_in_the_leaf(
    log: tuple[LeaderRegistry, list[Notification]],
) -> None:
    registry, notifications = log
    first = notifications[0]
    state = orjson.loads(first.state)
    state["timestamp"]["_data_"] = "2025-06-30T16:00:00+08:00"
    moved = Stored(dataclasses.replace(first, state=orjson.dumps(state)), registry.mapper)
    same_as_decoded(moved, registry.mapper)
    utc = b'"timestamp":"2025-06-30T08:00:00.000000Z"'
    assert utc in leaves.canonical_values(content(moved))  # hashed into the private leaf

"""An append of many megabytes finishes, and a conflicting one still fails, on both stores."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, StoredEvent

from registry.application import LeaderRegistry

T = TypeVar("T")

# Above the sockets' buffers: psycopg's pipeline hung on every append of more than about
# 5 MB on localhost before registry/pg_recorder.py (a ranking of 10,000 entries is ~10 MB).
SIZE = 24 * 1024 * 1024
DEADLINE = 120.0  # seconds for one append; each takes about 3 s here


class Blob(Aggregate):
    """An aggregate whose creation event carries a large text."""

    @event("Created")
    def __init__(self, text: str) -> None:
        self.text = text


def within_deadline(work: Callable[[], T]) -> T:
    """Run `work` in a thread; fail (rather than hang the suite) if it does not finish."""
    values: list[T] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            values.append(work())
        except Exception as error:  # noqa: BLE001 - handed back to the test below
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), f"the append did not finish within {DEADLINE} s (hung)"
    if errors:
        raise errors[0]
    return values[0]


def test_large_appends_finish_in_order(registry: LeaderRegistry) -> None:
    positions = []
    for _ in range(3):
        blob = Blob(os.urandom(SIZE // 2).hex())
        receipt = within_deadline(partial(registry.commit, blob))
        positions.append(receipt["position"])
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert len(registry.repository.get(blob.id).text) == SIZE


def test_a_large_conflicting_append_raises_integrity_error(registry: LeaderRegistry) -> None:
    blob = Blob("first")
    within_deadline(lambda: registry.commit(blob))
    taken = StoredEvent(blob.id, 1, "tests:Blob.Created", os.urandom(SIZE))
    with pytest.raises(IntegrityError):
        within_deadline(lambda: registry.recorder.insert_events([taken]))
    # The connection it used is still good for the next append.
    after = within_deadline(lambda: registry.commit(Blob("second")))
    assert after["position"] > 0

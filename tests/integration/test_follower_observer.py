"""The follower tells its observer what each projection applied, and which one halted."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import Engine

from projections.history import History
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


class Seen:
    """A `FollowerObserver` that keeps what it was told."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.failures: list[str] = []

    def applied(self, projection: str, events: int) -> None:
        self.counts[projection] += events

    def failed(self, projection: str) -> None:
        self.failures.append(projection)


class Broken(History):
    """History, but every event it reads raises."""

    def handle(self, target: Any, event: Any, position: int) -> None:
        raise RuntimeError("cannot apply")


@pytest.fixture(autouse=True)
def awarded(registry: LeaderRegistry, clock: Clock) -> None:
    """Every test here follows a log with one award cycle in it."""
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])


def test_the_observer_counts_each_projections_events(
    registry: LeaderRegistry, engine: Engine
) -> None:
    seen = Seen()
    follower = Follower(registry, engine, all_projections(), batch_size=7)
    follower.observer = seen
    follower.catch_up()
    head = int(registry.recorder.max_notification_id() or 0)
    assert seen.counts["audit"] == head  # the audit tree reads every event
    wanted = registry.recorder.select_notifications(start=1, limit=head)
    history = History()
    assert seen.counts["history"] == sum(history.wants(n.topic) for n in wanted) > 0
    assert seen.failures == []


def test_the_observer_hears_which_projection_raised(
    registry: LeaderRegistry, engine: Engine
) -> None:
    seen = Seen()
    follower = Follower(registry, engine, [*all_projections()[:2], Broken()])
    follower.observer = seen
    follower.run_once()  # the broken projection halts alone; the others apply the batch
    assert seen.failures == ["history"]  # once, when it halted
    assert "history" not in seen.counts
    assert seen.counts["records"] > 0 and seen.counts["candidacies"] > 0
    assert set(follower.halts) == {"history"}

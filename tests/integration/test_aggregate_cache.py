"""The aggregate cache on the real stores: never stale across processes, never corrupted."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from domain.candidacy import Candidacy, Status
from domain.evaluation_body import BodySuspended
from domain.scheme import Scheme
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, ENERGY, build_world, draft

VALUES = {"eei": Decimal(45), "noise": Decimal(38)}


@pytest.fixture
def pair(store: Settings) -> Iterator[tuple[LeaderRegistry, LeaderRegistry, Clock]]:
    """Two applications on one store, as two API processes would be, and their clock."""
    assert "AGGREGATE_CACHE_MAXSIZE" in store.event_store_env()  # the default keeps a cache
    clock = Clock()
    first = LeaderRegistry(env=store.event_store_env(), clock=clock)
    second = LeaderRegistry(env=store.event_store_env(), clock=clock)
    yield first, second, clock
    first.close()
    second.close()


def test_a_change_made_by_another_process_is_seen_at_once(
    pair: tuple[LeaderRegistry, LeaderRegistry, Clock],
) -> None:
    first, second, clock = pair
    world = build_world(first, clock, line=ENERGY)
    scheme_id = draft(world, 2025, top_n=1)
    entered = [
        first.enter_candidate(world.body, scheme_id, declaration_id=d)["id"]
        for d in world.declarations[:2]
    ]
    first.evaluate(world.body, entered[0], values=VALUES)  # the scheme and body are cached now

    second.suspend_body(ADMIN, world.body.subject, reason="accreditation lapsed")
    with pytest.raises(BodySuspended):
        first.evaluate(world.body, entered[1], values=VALUES)
    assert first.load(Candidacy, entered[1], "candidacy").status == Status.ENTERED


def test_a_command_changes_a_copy_until_it_is_saved(
    pair: tuple[LeaderRegistry, LeaderRegistry, Clock],
) -> None:
    first, _, clock = pair
    world = build_world(first, clock, line=ENERGY)
    scheme_id = draft(world, 2025, top_n=1)
    loaded = first.load(Scheme, scheme_id, "scheme")
    loaded.candidacy_ids.append(loaded.id)  # a change that is never saved
    again = first.load(Scheme, scheme_id, "scheme")
    assert again is not loaded and again.candidacy_ids == []
    # Read-only loads share the cached aggregate; it still holds only saved state.
    shared = first.load(Scheme, scheme_id, "scheme", to_change=False)
    assert shared is first.load(Scheme, scheme_id, "scheme", to_change=False)
    assert shared.candidacy_ids == [] and shared.version == again.version
    # A saved change reaches the cached aggregate on the next load.
    first.enter_candidate(world.body, scheme_id, declaration_id=world.declarations[0])
    assert len(first.load(Scheme, scheme_id, "scheme", to_change=False).candidacy_ids) == 1

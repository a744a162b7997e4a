"""Fixtures shared by the integration tests, each on the `store` under test (both stores).

* `clock`: a `tests.clock.Clock` the test can move (a module that wants the wall clock
  overrides it with ``utc_now``);
* `registry`: the application on the store, reading that clock, closed afterwards;
* `engine`: a synchronous engine on the same database with the read models' schema;
* `signed_world`: two award cycles and a revoked title, projected, each cycle under a
  signed checkpoint (the world the tampering tests tamper with).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from projections.audit.signed_checkpoints import sign_now
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.integration.tampering import SIGNER
from tests.worlds import ENERGY, award_cycle, build_world


@pytest.fixture
def clock() -> Clock:
    """A clock that starts at a fixed moment and moves only when told."""
    return Clock()


@pytest.fixture
def registry(store: Settings, clock: Clock) -> Iterator[LeaderRegistry]:
    """The application on the store under test."""
    app = LeaderRegistry(env=store.event_store_env(), clock=clock)
    yield app
    app.close()


@pytest.fixture
def engine(store: Settings) -> Iterator[Engine]:
    """An engine on the store under test, its read models' tables created."""
    engine = sync_engine(store)
    schema.upgrade(engine, store)
    yield engine
    engine.dispose()


@pytest.fixture
def signed_world(
    registry: LeaderRegistry, clock: Clock, engine: Engine
) -> tuple[LeaderRegistry, Engine]:
    """Two award cycles and a revoked title, projected, each cycle under a checkpoint."""
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    Follower(registry, engine, all_projections()).catch_up()
    sign_now(engine, SIGNER, clock())
    award_cycle(world, 2025, [41, 44, 46, 52])
    registry.revoke_title(world.body, world.candidacies[-4], reason="false declaration")
    Follower(registry, engine, all_projections()).catch_up()
    sign_now(engine, SIGNER, clock())
    return registry, engine

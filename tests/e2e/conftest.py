"""Fixtures shared by the end-to-end tests, each on the `store` under test (both stores).

* `clock`: a `tests.clock.Clock` the service reads and the test can move;
* `settings`: the store's settings with a short poll interval (a module overrides it to
  configure more, e.g. a signing key);
* `api`: the service on those settings, as a `tests.e2e.api.Api` (an HTTP client of it and
  an admin token), with the real read side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve


@pytest.fixture
def clock() -> Clock:
    """A clock that starts at a fixed moment and moves only when told."""
    return Clock()


@pytest.fixture
def settings(store: Settings) -> Settings:
    """The store's settings, the projections polling often (the tests wait on them)."""
    return store.model_copy(update={"poll_interval": 0.05})


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The service on `settings`, with an admin token."""
    async with serve(settings, clock) as api:
        yield api

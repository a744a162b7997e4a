"""Fixtures shared by the unit tests (in memory: no store).

* `world`: the unit tests' world (`tests.worlds.in_memory_world`): a body, five declared
  refrigerators and an approved 2025 scheme, on the in-memory store, with its own clock.
"""

from __future__ import annotations

import pytest

from tests.worlds import World, in_memory_world


@pytest.fixture
def world() -> World:
    """A fresh in-memory world for each test."""
    return in_memory_world()

"""The API's entry point puts what it loaded at start-up out of the collector's sight, so a
full collection walks only what came later; building an app alone (as tests do) does not."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc
from service.app import {name}
{name}()
print(gc.get_freeze_count())
"""


def frozen_after(name: str) -> int:
    """Objects in the permanent generation after a fresh process calls `service.app.name`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(name=name)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_the_entry_point_freezes_its_startup_objects() -> None:
    assert frozen_after("app_factory") > 50_000  # the modules, routes and schemas


def test_building_an_app_freezes_nothing() -> None:
    assert frozen_after("create_app") == 0

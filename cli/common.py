"""What every command group shares: the program's name, failing, the store, number arguments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from registry.application import LeaderRegistry
from registry.settings import Settings

PROG = "leader-registry"
USER_ERROR = 2


class ConfigurationError(Exception):
    """The REGISTRY_* configuration cannot be used."""


def fail(message: str) -> None:
    """One line to stderr, prefixed with the program's name."""
    print(f"{PROG}: {message}", file=sys.stderr)


def refuse(message: str) -> int:
    """A user mistake: say so, exit with USER_ERROR."""
    fail(message)
    return USER_ERROR


@contextmanager
def open_registry(settings: Settings) -> Iterator[LeaderRegistry]:
    """The application over the configured event store, closed afterwards."""
    try:
        env = settings.event_store_env()
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    registry = LeaderRegistry(env=env)
    try:
        yield registry
    finally:
        registry.close()


def is_empty(registry: LeaderRegistry) -> bool:
    return not registry.recorder.max_notification_id()


def caught_up_read_models(settings: Settings, registry: LeaderRegistry) -> None:
    """Bring the read models to the end of the log (a running server may be doing the same:
    the tracking compare-and-set keeps each event applied once)."""
    from projections.machinery import schema
    from projections.machinery.engines import sync_engine
    from projections.machinery.follower import Follower, TrackingConflict
    from projections.running.read_side import all_projections

    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        for _ in range(10):
            try:
                Follower(registry, engine, all_projections()).catch_up()
                return
            except TrackingConflict:
                continue  # another follower moved first: reload its positions and go on
    finally:
        engine.dispose()


def read_models(settings: Settings) -> Any:
    """An engine on the read models, upgraded to the current schema (dispose it after use)."""
    from projections.machinery import schema
    from projections.machinery.engines import sync_engine

    engine = sync_engine(settings)
    schema.upgrade(engine, settings)
    return engine


def whole(text: str) -> int:
    """A whole number in ASCII digits (int() alone would also take "１２" or "1_2")."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def positive(text: str) -> int:
    value = whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value

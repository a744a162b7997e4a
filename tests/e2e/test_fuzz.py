"""Fuzz the API with schemathesis against the committed OpenAPI document.

Every operation of `openapi/openapi.json` gets generated requests (valid and invalid ones),
sent in-process to the real application: a real store (SQLite under `tmp_path`, then a
throw-away PostgreSQL database), the real read side, and the app's lifespan (started by
schemathesis's ASGI transport on the first request and ended by its pytest plugin when the
test ends). Each response must

* not be a server error (5xx, or an exception escaping the app),
* have a documented status code, and a documented content type,
* match the documented schema of its status code;

and afterwards every projection must be at the head of the log (whatever was recorded
could be projected).

Each operation runs twice:

* as an administrator, so that writes get past 401 and reach validation and the domain:
  schemathesis's deterministic coverage cases (boundaries, missing or wrong-typed fields,
  bodies that are not JSON) and then `FUZZ_EXAMPLES` generated ones, on both stores;
* without a valid token (the security scheme's header is left to the generator: absent or
  random): generated cases only, as almost every write ends at the 401, on SQLite.

CI runs 20 derandomized examples per operation and run. `python -m bench.fuzz` runs the
same tests with many more, randomized, through the variables `FUZZ_EXAMPLES`,
`FUZZ_DERANDOMIZE` and `FUZZ_SEED`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis import BaseSchema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings
from service.app import create_app
from tests.extremes import head_positions, tracked

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
DERANDOMIZE = os.environ.get("FUZZ_DERANDOMIZE", "1") != "0"
SEED = os.environ.get("FUZZ_SEED")


def load(*, security_parameters: bool) -> BaseSchema:
    """The committed document, generating the security scheme's header or not."""
    schema = schemathesis.openapi.from_path(OPENAPI)
    schema.config.generation.update(with_security_parameters=security_parameters)
    if SEED:
        # Schemathesis seeds each test itself (with a random seed unless one is set).
        schema.config.seed = int(SEED)
    return schema


# As the administrator, every request carries the admin's token: schemathesis generates no
# `Authorization` of its own (its negative cases would otherwise drop the header we send).
AS_ADMIN = load(security_parameters=False)
# Without a valid token, the header is schemathesis's: absent, or a random bearer value.
ANONYMOUS = load(security_parameters=True)

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    # The app and its store are shared by the examples of one test on purpose (state builds
    # up as a client's would); a request takes milliseconds, the lifespan start a bit more.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Without the explicit phase: no schema examples and no coverage cases, generated ones only.
GENERATED_ONLY = settings(FUZZ, phases=[Phase.generate, Phase.target, Phase.shrink])


@dataclass(frozen=True)
class Target:
    app: FastAPI
    admin: dict[str, str]


@pytest.fixture
def target(store: Settings) -> Iterator[Target]:
    """The app on a fresh store (SQLite, then PostgreSQL) holding one admin credential."""
    yield from fuzzed(store)


@pytest.fixture
def sqlite_target(sqlite_store: Settings) -> Iterator[Target]:
    """The same on SQLite alone: without a token almost every request ends at the 401,
    whatever the store."""
    yield from fuzzed(sqlite_store)


def fuzzed(store: Settings) -> Iterator[Target]:
    """The app on `store` holding one admin credential.

    No write rate limit to speak of (429s would hide everything else), and short
    consistency waits: a generated `min_position` far ahead of the log would otherwise
    hold each read for the default 10 s (the answer is the same, marked pending).
    Afterwards every projection must be at the head of the log: whatever the fuzzer got
    recorded, the read models could store.
    """
    fuzz_settings = store.model_copy(
        update={
            "write_rate": 1e6,
            "write_burst": 10**6,
            "consistency_timeout": 0.05,
            "poll_interval": 0.05,
            "stream_max_seconds": 0.2,  # a live event stream would otherwise never end
        }
    )
    # The credential is issued before the app starts: its lifespan opens the same store.
    registry = LeaderRegistry(env=fuzz_settings.event_store_env())
    try:
        issued = registry.bootstrap_credential(role="admin", subject="fuzz", label="")
        yield Target(create_app(fuzz_settings), {"Authorization": f"Bearer {issued['token']}"})
        assert_projected(fuzz_settings, registry)
    finally:
        registry.close()


def assert_projected(settings: Settings, registry: LeaderRegistry) -> None:
    """Every projection at the head of the log, caught up here if the app's follower is gone."""
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        expected = head_positions(registry)
        for _ in range(50):  # the app's own follower may still be finishing its last batch
            if tracked(settings) == expected:
                return
            time.sleep(0.1)
        Follower(registry, engine, all_projections()).catch_up()
        assert tracked(settings) == expected
    finally:
        engine.dispose()


@AS_ADMIN.parametrize()
@FUZZ
def test_as_admin(case: schemathesis.Case[Any], target: Target) -> None:
    case.call_and_validate(app=target.app, headers=target.admin, checks=CHECKS)


@ANONYMOUS.parametrize()
@GENERATED_ONLY
def test_without_a_valid_token(case: schemathesis.Case[Any], sqlite_target: Target) -> None:
    case.call_and_validate(app=sqlite_target.app, checks=CHECKS)

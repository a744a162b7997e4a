"""The command line keeps the same limits as the API (`domain.limits`), on both stores."""

from __future__ import annotations

import pytest

from cli.main import main
from domain import limits
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.extremes import head_positions, tracked, wide

CREATE = ["credentials", "create", "--role", "regulator"]


def recorded(store: Settings) -> int:
    registry = LeaderRegistry(env=store.event_store_env())
    try:
        return int(registry.recorder.max_notification_id() or 0)
    finally:
        registry.close()


def test_a_credential_subject_longer_than_a_name_is_refused_by_the_cli(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Reproduction: the CLI took any subject, and the actor column held 200 characters.
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    over = wide(limits.MAX_NAME + 1)
    for argv, said in (
        ([*CREATE, "--subject", over], "subject must be at most 200 characters"),
        ([*CREATE, "--subject", "x", "--label", over], "label must be at most 200 characters"),
        ([*CREATE, "--subject", "a\u202eb"], "(found U+202E)"),
        (
            [*CREATE, "--subject", "x", "--expires-in-days", str(limits.MAX_EXPIRY_DAYS + 1)],
            f"must be between 1 and {limits.MAX_EXPIRY_DAYS}",
        ),
        ([*CREATE, "--subject", "x", "--region", "12000"], "region must be a 6-digit"),
        (
            ["credentials", "create", "--role", "platform", "--subject", "x", "--region", "120000"],
            "only a regulator's credential has a region",
        ),
    ):
        assert main(argv) == 2, argv
        assert said in capsys.readouterr().err
    assert recorded(store) == 0


def test_a_cli_credential_at_its_limits_is_projected(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    name, days = wide(limits.MAX_NAME), str(limits.MAX_EXPIRY_DAYS)
    argv = [*CREATE, "--subject", name, "--label", name, "--expires-in-days", days]
    argv += ["--region", "120101"]
    assert main(argv) == 0, capsys.readouterr().err
    registry = LeaderRegistry(env=store.event_store_env())
    engine = sync_engine(store)
    try:
        schema.upgrade(engine, store)
        Follower(registry, engine, all_projections()).catch_up()
        assert tracked(store) == head_positions(registry)
    finally:
        engine.dispose()
        registry.close()
    assert main(["credentials", "list"]) == 0
    assert name in capsys.readouterr().out

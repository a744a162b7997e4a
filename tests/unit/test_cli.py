"""The `leader-registry` command line, against a SQLite store under tmp_path."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from cli.main import main
from domain.credential import Credential
from registry.application import LeaderRegistry
from registry.base import utc_now
from registry.settings import Settings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    return Settings(database_url=url)


def printed_token(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("token: ")]
    assert len(lines) == 1, out
    return lines[0].removeprefix("token: ")


def test_credentials_create_prints_a_working_token(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["credentials", "create", "--role", "admin", "--subject", "ops", "--label", "test"]
    assert main(argv) == 0
    token = printed_token(capsys.readouterr().out)
    registry = LeaderRegistry(env=database.event_store_env())
    try:
        actor = registry.authenticate(token)
    finally:
        registry.close()
    assert (actor.role, actor.subject) == ("admin", "ops")


def test_credentials_create_sets_an_expiry_in_days(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["credentials", "create", "--role", "regulator", "--subject", "Tianjin AMR"]
    before = utc_now()
    assert main([*argv, "--expires-in-days", "30"]) == 0
    after = utc_now()
    out = capsys.readouterr().out
    token = printed_token(out)
    registry = LeaderRegistry(env=database.event_store_env())
    try:
        actor = registry.authenticate(token)
        credential: Credential = registry.repository.get(UUID(actor.credential_id))
    finally:
        registry.close()
    assert credential.expires_at is not None
    assert before + timedelta(days=30) <= credential.expires_at <= after + timedelta(days=30)
    assert f"expires: {credential.expires_at.isoformat(timespec='seconds')}" in out
    assert credential.is_valid(credential.expires_at - timedelta(seconds=1))
    assert not credential.is_valid(credential.expires_at)


def test_credentials_create_without_an_expiry_never_expires(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["credentials", "create", "--role", "admin", "--subject", "ops"]) == 0
    out = capsys.readouterr().out
    registry = LeaderRegistry(env=database.event_store_env())
    try:
        actor = registry.authenticate(printed_token(out))
        assert registry.repository.get(UUID(actor.credential_id)).expires_at is None
    finally:
        registry.close()
    assert "expires:" not in out


@pytest.mark.parametrize("days", ["0", "-1", "1.5", "x", "３０", "36501"])
def test_credentials_create_refuses_a_bad_expiry(
    database: Settings, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    argv = ["credentials", "create", "--role", "admin", "--subject", "ops"]
    assert main([*argv, "--expires-in-days", days]) == 2
    captured = capsys.readouterr()
    assert "--expires-in-days" in captured.err and "token" not in captured.out
    registry = LeaderRegistry(env=database.event_store_env())
    try:
        assert not registry.recorder.max_notification_id(), "nothing may be recorded"
    finally:
        registry.close()


def test_a_bad_role_exits_2_with_a_message(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["credentials", "create", "--role", "wizard", "--subject", "x"]) == 2
    captured = capsys.readouterr()
    assert "unknown role 'wizard'" in captured.err
    assert "Traceback" not in captured.err and "token" not in captured.out


def test_an_unknown_body_exits_2(database: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["credentials", "create", "--role", "evaluation_body", "--subject", "Nobody Institute"]
    assert main(argv) == 2
    assert "no evaluation body" in capsys.readouterr().err


def test_usage_errors_exit_2(database: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--role", "admin"]) == 2
    assert "--subject" in capsys.readouterr().err


def test_demo_loads_once(database: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["counts"]["events"] > 0 and summary["tokens"]["admin"].startswith("lr_")

    assert main(["demo"]) != 0
    captured = capsys.readouterr()
    assert "already holds events" in captured.err and captured.out == ""

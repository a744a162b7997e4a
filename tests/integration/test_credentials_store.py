"""Credentials on the real stores: the private projection, the last-used recorder, adding
the projection to a store with history, and the `leader-registry credentials` commands."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, func, select

from cli.main import main
from domain.credential import Credential, CredentialAlreadyRevoked
from domain.errors import NotFound
from projections.candidacies import Candidacies
from projections.credentials import Credentials, LastUsed
from projections.history import History
from projections.machinery.follower import Follower
from projections.machinery.rows import Rows
from projections.records import Records
from projections.running.read_side import all_projections
from projections.tables import credentials, events
from registry.application import LeaderRegistry
from registry.cases.access import Unauthenticated
from registry.permissions import Forbidden
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, ENERGY, REGULATOR, award_cycle, build_world


def rows(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r.id: dict(r._mapping) for r in conn.execute(select(credentials))}


def test_the_projection_follows_issue_rotation_and_revocation(
    registry: LeaderRegistry, engine: Engine, clock: Clock
) -> None:
    first = registry.issue_credential(
        ADMIN, role="regulator", subject="Tianjin AMR", label="complaints"
    )
    clock.advance(days=1)
    second = registry.rotate_credential(ADMIN, first["id"])
    clock.advance(days=1)
    other = registry.issue_credential(ADMIN, role="platform", subject="feed")
    registry.revoke_credential(ADMIN, other["id"])
    Follower(registry, engine, all_projections()).catch_up()

    found = rows(engine)
    assert set(found) == {first["id"], second["id"], other["id"]}
    old, new = found[first["id"]], found[second["id"]]
    assert (old["replaced_by"], old["revocation_reason"]) == (second["id"], "rotated")
    assert old["revoked_at"] == new["created_at"] == clock.now - timedelta(days=1)
    assert (new["replaces"], new["revoked_at"], new["replaced_by"]) == (first["id"], None, None)
    assert (new["role"], new["subject"], new["label"]) == ("regulator", "Tianjin AMR", "complaints")
    assert (new["created_by_role"], new["created_by_subject"]) == ("admin", "ops")
    assert found[other["id"]]["revocation_reason"] == ""
    # Never the token nor its hash, and no credential event in the public feed.
    assert not any("hash" in c.name or "token" in c.name for c in credentials.columns)
    with engine.connect() as conn:
        public = select(events.c.aggregate_type).distinct()
        assert conn.scalars(public).all() == ["AccessGrant"]  # only the public grants
    for credential_id in (first["id"], second["id"]):
        stored: Credential = registry.repository.get(UUID(credential_id))
        assert stored.token_hash not in str(found)


def test_rotation_saves_both_credentials_in_one_go(registry: LeaderRegistry, clock: Clock) -> None:
    first = registry.issue_credential(ADMIN, role="admin", subject="ops-2", label="x")
    expiry = clock.now + timedelta(days=30)
    expiring = registry.issue_credential(
        ADMIN, role="admin", subject="ops-3", label="y", expires_at=expiry
    )
    before = registry.recorder.max_notification_id() or 0
    rotated = registry.rotate_credential(ADMIN, first["id"])
    # Both credentials' events and both grants' events, in one save.
    assert rotated["position"] == before + 4 == registry.recorder.max_notification_id()
    assert registry.authenticate(rotated["token"]).credential_id == rotated["id"]
    with pytest.raises(Unauthenticated):
        registry.authenticate(first["token"])
    with pytest.raises(CredentialAlreadyRevoked):
        registry.rotate_credential(ADMIN, first["id"])
    with pytest.raises(Forbidden):
        registry.rotate_credential(REGULATOR, rotated["id"])
    with pytest.raises(NotFound):
        registry.rotate_credential(ADMIN, "not-an-id")
    successor = registry.rotate_credential(ADMIN, expiring["id"])
    assert registry.repository.get(UUID(successor["id"])).expires_at == expiry


def test_a_projection_added_later_catches_up_alone(
    registry: LeaderRegistry, engine: Engine, clock: Clock
) -> None:
    """An existing store upgraded to the credentials projection: it starts at 0 while the
    others are far ahead, and none of them may go back or apply an event twice."""
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])
    for n in range(3):
        registry.issue_credential(ADMIN, role="regulator", subject=f"bureau {n}")
    old = Follower(registry, engine, [Records(), Candidacies(), History()])
    old.catch_up()
    head = registry.recorder.max_notification_id()
    public = count(engine, events)

    upgraded = Follower(registry, engine, all_projections(), batch_size=7)
    assert upgraded.position == 0
    upgraded.catch_up()
    assert upgraded.position == head
    assert count(engine, events) == public
    assert len(rows(engine)) == 4  # the body's credential and three regulators
    assert Follower(registry, engine, all_projections())._position == dict.fromkeys(
        [
            "records",
            "candidacies",
            "history",
            "credentials",
            "audit",
            "status_history",
            "enterprises",
            "search",
            "notice_log",
            "subscriptions",
        ],
        head,
    )


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_events_from_before_rotation_still_load_and_project(
    registry: LeaderRegistry, engine: Engine, clock: Clock
) -> None:
    """Issued events without `replaces` and Revoked ones without `reason` (older data)."""
    credential = Credential.issue(
        token="lr_old", role="admin", subject="ops", label="", expires_at=None,
        actor=ADMIN, at=clock.now,
    )  # fmt: skip
    credential.revoke(actor=ADMIN, at=clock.now)
    issued, revoked = credential.collect_events()
    del issued.__dict__["replaces"]
    del revoked.__dict__["reason"]
    rebuilt = revoked.mutate(issued.mutate(None))
    assert rebuilt is not None and (rebuilt.replaces, rebuilt.revocation_reason) == ("", "")
    projection = Credentials()
    with engine.begin() as conn:
        batch = Rows(conn)
        projection.handle(batch, issued, 1)
        projection.handle(batch, revoked, 2)
        batch.flush()
    row = rows(engine)[str(credential.id)]
    assert (row["replaces"], row["revocation_reason"]) == (None, "")
    assert row["revoked_at"] is not None


def test_last_used_is_throttled_never_goes_back_and_retries_a_missing_row(
    registry: LeaderRegistry, engine: Engine, clock: Clock
) -> None:
    issued = registry.issue_credential(ADMIN, role="admin", subject="ops-2", label="")
    recorder = LastUsed(engine)
    t0 = clock.now

    recorder(issued["id"], t0)  # not projected yet: nothing to update
    recorder.drain()
    Follower(registry, engine, all_projections()).catch_up()
    assert rows(engine)[issued["id"]]["last_used_at"] is None

    recorder(issued["id"], t0 + timedelta(seconds=10))  # noted again: the row was missing
    recorder.drain()
    assert rows(engine)[issued["id"]]["last_used_at"] == t0 + timedelta(seconds=10)

    recorder(issued["id"], t0 + timedelta(seconds=50))  # within the minute: not written
    recorder.drain()
    assert rows(engine)[issued["id"]]["last_used_at"] == t0 + timedelta(seconds=10)

    # Another process wrote a later time: an older one never replaces it.
    assert recorder.write({issued["id"]: t0 - timedelta(hours=1)}) == []
    assert rows(engine)[issued["id"]]["last_used_at"] == t0 + timedelta(seconds=10)


def test_authentication_notes_use_through_the_hook_and_survives_its_failure(
    registry: LeaderRegistry, clock: Clock
) -> None:
    issued = registry.issue_credential(ADMIN, role="admin", subject="ops-2", label="")
    seen: list[tuple[str, datetime]] = []
    registry.on_credential_used = lambda credential_id, at: seen.append((credential_id, at))
    registry.authenticate(issued["token"])
    assert seen == [(issued["id"], clock.now)]
    with pytest.raises(Unauthenticated):
        registry.authenticate(issued["token"] + "x")
    assert len(seen) == 1

    def broken(credential_id: str, at: datetime) -> None:
        raise RuntimeError("read model unavailable")

    registry.on_credential_used = broken
    assert registry.authenticate(issued["token"]).role == "admin"


# The command line ---------------------------------------------------------------------------
def token_of(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("token: ")]
    assert len(lines) == 1, out
    return lines[0].removeprefix("token: ")


def field_of(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{name}: ")).split(": ")[1]


def listed(out: str) -> dict[str, str]:
    """credential id -> its line of `credentials list`."""
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["ID", "ROLE", "SUBJECT", "LABEL"], out
    return {line.split()[0]: line for line in lines[1:]}


def test_credentials_list_rotate_and_revoke_from_the_command_line(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    create = ["credentials", "create", "--role", "regulator", "--subject", "Tianjin AMR"]
    assert main([*create, "--label", "complaints"]) == 0
    out = capsys.readouterr().out
    first, first_token = field_of(out, "credential"), token_of(out)
    assert main(["credentials", "create", "--role", "platform", "--subject", "feed"]) == 0
    platform = field_of(capsys.readouterr().out, "credential")

    assert main(["credentials", "list"]) == 0
    captured = capsys.readouterr()
    shown = listed(captured.out)
    assert set(shown) == {first, platform}
    assert "Tianjin AMR" in shown[first] and "complaints" in shown[first]
    assert shown[first].rstrip().endswith("active")
    assert first_token not in captured.out + captured.err

    assert main(["credentials", "rotate", first]) == 0
    captured = capsys.readouterr()
    second, second_token = field_of(captured.out, "credential"), token_of(captured.out)
    assert field_of(captured.out, "replaces") == first and second != first
    assert "only this once" in captured.err

    assert main(["credentials", "revoke", platform]) == 0
    assert capsys.readouterr().out.strip() == f"revoked: {platform}"

    assert main(["credentials", "list"]) == 0
    assert set(listed(capsys.readouterr().out)) == {second}
    assert main(["credentials", "list", "--all", "--role", "regulator"]) == 0
    captured = capsys.readouterr()
    shown = listed(captured.out)
    assert set(shown) == {first, second}
    assert f"revoked, replaced by {second}" in shown[first]
    for token in (first_token, second_token):
        assert token not in captured.out + captured.err
    assert main(["credentials", "list", "--subject", "nobody"]) == 0
    assert capsys.readouterr().err.strip() == "no credentials"

    registry = LeaderRegistry(env=store.event_store_env())
    try:
        assert registry.authenticate(second_token).subject == "Tianjin AMR"
        with pytest.raises(Unauthenticated):
            registry.authenticate(first_token)
    finally:
        registry.close()


def test_credential_commands_refuse_unknown_and_revoked_ids(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    assert main(["credentials", "rotate", "6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10"]) == 2
    assert "no credential" in capsys.readouterr().err
    assert main(["credentials", "create", "--role", "admin", "--subject", "ops"]) == 0
    credential = field_of(capsys.readouterr().out, "credential")
    assert main(["credentials", "revoke", credential]) == 0
    capsys.readouterr()
    assert main(["credentials", "revoke", credential]) == 2
    assert main(["credentials", "rotate", credential]) == 2
    captured = capsys.readouterr()
    assert "revoked" in captured.err and "token" not in captured.out
    assert main(["credentials", "list", "--role", "wizard"]) == 2

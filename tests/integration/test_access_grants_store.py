"""Access grants in the store: one public grant per credential, saved with it; earlier
credentials get theirs from `credentials publish-grants`, with their own times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from cli.main import main
from domain import ids
from domain.access_grant import AccessGrant
from domain.credential import Credential
from domain.values import Actor
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.tables import events, grants
from registry.application import LeaderRegistry
from registry.cases.access import new_token
from registry.permissions import Forbidden
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, REGULATOR


def projected(registry: LeaderRegistry, engine: Engine) -> dict[str, dict[str, Any]]:
    Follower(registry, engine, all_projections()).catch_up()
    with engine.connect() as conn:
        return {r.credential_id: dict(r._mapping) for r in conn.execute(select(grants))}


def earlier_credential(registry: LeaderRegistry, clock: Clock, *, revoke: bool) -> str:
    """A credential saved as releases before grants saved it: without a grant."""
    credential = Credential.issue(
        token=new_token(),
        role="evaluation_body",
        subject="a-body",
        label="",
        expires_at=None,
        actor=ADMIN,
        at=clock(),
    )
    if revoke:
        clock.advance(days=1)
        credential.revoke(actor=Actor("admin", "night-shift"), at=clock())
    registry.save(credential)
    return str(credential.id)


def test_each_credential_event_is_saved_with_its_public_grant(
    registry: LeaderRegistry, engine: Engine, clock: Clock
) -> None:
    first = registry.issue_credential(ADMIN, role="regulator", subject="AMR")
    assert registry.recorder.max_notification_id() == first["position"] == 2
    grant: AccessGrant = registry.repository.get(ids.grant_id(first["id"]))
    assert grant.credential_id == first["id"] and not grant.revoked
    clock.advance(days=1)
    registry.revoke_credential(ADMIN, first["id"])
    found = projected(registry, engine)[first["id"]]
    assert (found["role"], found["subject"], found["issued_by_subject"]) == (
        "regulator",
        "AMR",
        "ops",
    )
    assert found["revoked_at"] == found["issued_at"] + timedelta(days=1)
    with pytest.raises(Forbidden):
        registry.publish_grants(REGULATOR)


def test_earlier_credentials_get_their_grants_with_their_own_times(
    registry: LeaderRegistry,
    engine: Engine,
    clock: Clock,
    store: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    issued_at = clock()
    active = earlier_credential(registry, clock, revoke=False)
    revoked = earlier_credential(registry, clock, revoke=True)
    rotated_from = earlier_credential(registry, clock, revoke=False)
    clock.advance(days=1)
    successor = registry.rotate_credential(ADMIN, rotated_from)["id"]  # gets its grant now
    assert set(projected(registry, engine)) == {successor}

    clock.advance(days=30)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    assert main(["credentials", "publish-grants"]) == 0
    assert "published grants: 3" in capsys.readouterr().out
    assert registry.publish_grants(ADMIN) == 0  # again: nothing left to publish

    found = projected(registry, engine)
    assert set(found) == {active, revoked, rotated_from, successor}
    assert found[active]["issued_at"] == issued_at and found[active]["revoked_at"] is None
    assert (found[active]["issued_by_role"], found[active]["issued_by_subject"]) == ("admin", "ops")
    assert found[revoked]["revoked_at"] == issued_at + timedelta(days=1)
    assert found[revoked]["revoked_by_subject"] == "night-shift"
    assert found[rotated_from]["revocation_reason"] == "rotated"
    assert found[successor]["replaces"] == rotated_from
    # The feed says who recorded them, and when: the operator, later (the real clock).
    with engine.connect() as conn:
        late = conn.execute(
            select(events.c.actor_subject, events.c.timestamp).where(
                events.c.aggregate_id == str(ids.grant_id(active))
            )
        ).one()
    assert late.actor_subject == "cli" and late.timestamp > clock()
    assert registry.repository.get(UUID(active)).version == 1  # the credential is unchanged
    # Their leaves, as the audit projection stored them, are the leaves recomputed from the log.
    assert main(["verify"]) == 0

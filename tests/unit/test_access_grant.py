"""The access grant aggregate: the public face of a credential, without its secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import ids
from domain.access_grant import AccessGrant, GrantAlreadyRevoked
from domain.values import Actor

ADMIN = Actor("admin", "ops", credential_id="c0")
AT = datetime(2025, 3, 1, tzinfo=UTC)


def grant(issued_at: datetime | None = None, issued_by: Actor | None = None) -> AccessGrant:
    return AccessGrant.record(
        credential_id="c1",
        role="evaluation_body",
        subject="body-1",
        expires_at=None,
        replaces="",
        actor=ADMIN,
        at=AT,
        issued_at=issued_at,
        issued_by=issued_by,
    )


def test_a_grant_is_keyed_by_its_credential_and_holds_no_secret() -> None:
    made = grant()
    assert made.id == ids.grant_id("c1")
    (granted,) = made.collect_events()
    fields = set(vars(granted))
    assert {"credential_id", "role", "subject", "expires_at", "actor"} <= fields
    assert not any("token" in f or "hash" in f or "label" in f for f in fields)


def test_a_revoked_grant_stays_revoked() -> None:
    made = grant()
    made.revoke(reason="", actor=ADMIN, at=AT + timedelta(days=1))
    assert made.revoked
    with pytest.raises(GrantAlreadyRevoked):
        made.revoke(reason="", actor=ADMIN, at=AT + timedelta(days=2))


def test_a_grant_recorded_after_the_fact_names_its_own_issue() -> None:
    earlier = AT - timedelta(days=90)
    made = grant(issued_at=earlier, issued_by=Actor("admin", "cli"))
    (granted,) = made.collect_events()
    recorded = vars(granted)
    assert (recorded["issued_at"], recorded["issued_by"].subject) == (earlier, "cli")
    assert recorded["timestamp"] == AT  # when it was recorded

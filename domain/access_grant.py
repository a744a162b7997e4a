"""Access grants: the public record of who may act as whom, one per credential.

A credential's own events are private (they hold its token's hash). Each is recorded in the
same save as a public grant event naming the credential's id, role and subject, who issued
or revoked it and when, and never the token or its hash. The credential's id is public
anyway (every event names the credential it was done with) and, being derived from the
SHA-256 of a 256-bit random token, reveals nothing of the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict
from domain.values import Actor


class GrantAlreadyRevoked(Conflict):
    """A revoked grant stays revoked."""


class AccessGrant(Aggregate):
    """That a credential lets its holder act with a role for a subject, since and until when."""

    # The events, declared so that their readers (the projections) are typed.
    class Granted(Aggregate.Created):
        credential_id: str
        role: str
        subject: str
        expires_at: datetime | None
        replaces: str
        actor: Actor
        issued_at: datetime | None = None
        issued_by: Actor | None = None

    class Revoked(Aggregate.Event):
        reason: str
        actor: Actor
        revoked_at: datetime | None = None
        revoked_by: Actor | None = None

    @staticmethod
    def create_id(credential_id: str, **_: Any) -> UUID:
        return ids.grant_id(credential_id)

    @classmethod
    def record(
        cls,
        *,
        credential_id: str,
        role: str,
        subject: str,
        expires_at: datetime | None,
        replaces: str,
        actor: Actor,
        at: datetime,
        issued_at: datetime | None = None,
        issued_by: Actor | None = None,
    ) -> AccessGrant:
        """The grant of a credential issued by `actor` at `at`, or, for one issued before
        grants were recorded, by `issued_by` at `issued_at` (recorded by `actor` at `at`)."""
        return cls(
            credential_id=credential_id,
            role=role,
            subject=subject,
            expires_at=expires_at,
            replaces=replaces,
            actor=actor,
            timestamp=at,
            issued_at=issued_at,
            issued_by=issued_by,
        )

    @event(Granted)
    def __init__(
        self,
        credential_id: str,
        role: str,
        subject: str,
        expires_at: datetime | None,
        replaces: str,  # the credential this one replaced by rotation, or ""
        actor: Actor,
        timestamp: datetime,
        issued_at: datetime | None = None,  # set only when recorded after the fact
        issued_by: Actor | None = None,
    ) -> None:
        self.credential_id = credential_id
        self.role = role
        self.subject = subject
        self.expires_at = expires_at
        self.replaces = replaces
        self.revoked = False

    def revoke(
        self,
        *,
        reason: str,
        actor: Actor,
        at: datetime,
        revoked_at: datetime | None = None,
        revoked_by: Actor | None = None,
    ) -> None:
        """Record that the credential was revoked (reason `rotated` when replaced); by
        `revoked_by` at `revoked_at` when that happened before it was recorded."""
        if self.revoked:
            raise GrantAlreadyRevoked("the access grant is already revoked")
        self._revoked(
            reason=reason, actor=actor, timestamp=at, revoked_at=revoked_at, revoked_by=revoked_by
        )

    @event(Revoked)
    def _revoked(
        self,
        reason: str,
        actor: Actor,
        timestamp: datetime,
        revoked_at: datetime | None = None,  # set only when recorded after the fact
        revoked_by: Actor | None = None,
    ) -> None:
        self.revoked = True

"""Credentials: bearer tokens bound to a role and a subject, known only by their hash."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput
from domain.jurisdiction import NATIONAL
from domain.limits import MAX_LABEL, MAX_NAME, moment_problem, text_problem
from domain.regions import region_problem
from domain.values import Actor, Role

ISSUABLE_ROLES = frozenset(r.value for r in Role if r is not Role.SYSTEM)


def hash_token(token: str) -> str:
    """The SHA-256 of a token, the only form in which a token is ever stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class CredentialError(Exception):
    """Base of credential rule failures."""


class InvalidCredential(CredentialError, InvalidInput):
    """The credential's definition breaks a rule."""


class CredentialAlreadyRevoked(CredentialError, Conflict):
    """A revoked credential stays revoked."""


class CredentialExpired(CredentialError, Conflict):
    """An expired credential cannot be rotated; issue a new one."""


ROTATED = "rotated"


def check_region(role: str, region: str) -> str:
    """A regulator's jurisdiction (national unless given); other roles have none."""
    if role != Role.REGULATOR:
        if region:
            raise InvalidCredential("only a regulator's credential has a region", field="region")
        return ""
    region = region or NATIONAL
    if region != NATIONAL and (problem := region_problem(region)):  # rule 19: a real division
        raise InvalidCredential(f"region {problem}", field="region")
    return region


class Credential(Aggregate):
    """An issued bearer token's hash, role, subject and lifetime."""

    # The events, declared so that their readers (the projections) are typed. Defaults stand
    # for fields that older events lack.
    class Issued(Aggregate.Created):
        token_hash: str
        role: str
        subject: str
        label: str
        expires_at: datetime | None
        actor: Actor
        replaces: str = ""
        region: str = ""  # a regulator's jurisdiction; "" for other roles and older events

    class Revoked(Aggregate.Event):
        actor: Actor
        reason: str = ""

    @staticmethod
    def create_id(token_hash: str, **_: Any) -> UUID:
        # The id follows from the token's hash, so authentication is a lookup by id.
        return ids.credential_id(token_hash)

    @classmethod
    def issue(
        cls,
        *,
        token: str,
        role: str,
        subject: str,
        label: str,
        expires_at: datetime | None,
        actor: Actor,
        at: datetime,
        replaces: str = "",
        region: str = "",
    ) -> Credential:
        if role not in ISSUABLE_ROLES:
            raise InvalidCredential(f"unknown role {role!r}", field="role")
        region = check_region(role, region)
        if not subject.strip():
            raise InvalidCredential("a credential needs a subject", field="subject")
        for name, value, maximum in (("subject", subject, MAX_NAME), ("label", label, MAX_LABEL)):
            if problem := text_problem(value, maximum):
                raise InvalidCredential(f"{name} {problem}", field=name)
        if expires_at is not None and (problem := moment_problem(expires_at)):
            raise InvalidCredential(f"expiry {problem}", field="expires_at")
        if expires_at is not None and expires_at <= at:
            raise InvalidCredential("expiry must be in the future", field="expires_at")
        return cls(
            token_hash=hash_token(token),
            role=role,
            subject=subject,
            label=label,
            expires_at=expires_at,
            actor=actor,
            timestamp=at,
            replaces=replaces,
            region=region,
        )

    @event(Issued)
    def __init__(
        self,
        token_hash: str,
        role: str,
        subject: str,
        label: str,
        expires_at: datetime | None,
        actor: Actor,
        timestamp: datetime,
        replaces: str = "",  # the credential this one replaced by rotation (older events: "")
        region: str = "",
    ) -> None:
        self.token_hash = token_hash
        self.role = role
        self.subject = subject
        self.label = label
        self.expires_at = expires_at
        self.replaces = replaces
        self.region = region
        self.issued_by = actor
        self.revoked = False
        self.revocation_reason = ""
        self.revoked_at: datetime | None = None
        self.revoked_by: Actor | None = None

    @property
    def jurisdiction(self) -> str:
        """The region a regulator's credential may act in (older credentials: national)."""
        return self.region or NATIONAL

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(token))

    def is_valid(self, at: datetime) -> bool:
        return not self.revoked and (self.expires_at is None or at < self.expires_at)

    def as_actor(self) -> Actor:
        return Actor(role=self.role, subject=self.subject, credential_id=str(self.id))

    def revoke(self, *, actor: Actor, at: datetime, reason: str = "") -> None:
        if self.revoked:
            raise CredentialAlreadyRevoked("credential is already revoked")
        self._revoked(actor=actor, timestamp=at, reason=reason)

    def rotate(self, *, token: str, actor: Actor, at: datetime) -> Credential:
        """Issue a successor with a new token and the same role, subject, label and expiry,
        and revoke this credential. Save both together: the new token works exactly when
        the old one stops."""
        if self.revoked:
            raise CredentialAlreadyRevoked("credential is revoked; issue a new one")
        if not self.is_valid(at):
            raise CredentialExpired("credential has expired; issue a new one")
        successor = Credential.issue(
            token=token,
            role=self.role,
            subject=self.subject,
            label=self.label,
            expires_at=self.expires_at,
            actor=actor,
            at=at,
            replaces=str(self.id),
            region=self.region,
        )
        self._revoked(actor=actor, timestamp=at, reason=ROTATED)
        return successor

    @event(Revoked)
    def _revoked(self, actor: Actor, timestamp: datetime, reason: str = "") -> None:
        self.revoked = True
        self.revocation_reason = reason
        self.revoked_at = timestamp
        self.revoked_by = actor

"""Use cases: evaluation bodies and credentials."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from eventsourcing.utils import get_topic

from domain import ids
from domain.access_grant import AccessGrant
from domain.credential import ROTATED, Credential, InvalidCredential, hash_token
from domain.credit_code import credit_code_problem
from domain.errors import DomainError, NotFound
from domain.evaluation_body import EvaluationBody
from domain.values import Actor, Role
from registry.base import AlreadyExists, Receipt, RegistryBase
from registry.permissions import check_role

log = logging.getLogger(__name__)

TOKEN_PREFIX = "lr_"
# The command line acts as the registry's operator.
OPERATOR = Actor(role=Role.ADMIN.value, subject="cli")

# Told (credential id, time) after each successful authentication; must return at once.
CredentialUsed = Callable[[str, datetime], None]


def new_token() -> str:
    """A fresh bearer token: the prefix and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Unauthenticated(DomainError):
    """The bearer token is missing, unknown, expired or revoked."""


class IssuedCredential(Receipt):
    token: str


def granted(credential: Credential, actor: Actor, at: datetime) -> AccessGrant:
    """The public grant of a credential just issued: who may act as whom, never the token."""
    return AccessGrant.record(
        credential_id=str(credential.id),
        role=credential.role,
        subject=credential.subject,
        expires_at=credential.expires_at,
        replaces=credential.replaces,
        actor=actor,
        at=at,
    )


class AccessCases(RegistryBase):
    """Registering evaluation bodies; issuing, checking, rotating and revoking credentials.

    Every credential event is saved together with the public event of its access grant
    (`domain.access_grant`). Listing credentials is a read: it is served by the read models
    (`projections.queries`); the grants are public reads.
    """

    # The read side sets this to note when credentials are used (operational metadata,
    # kept out of the event log); None records nothing.
    on_credential_used: CredentialUsed | None = None

    def register_body(
        self, actor: Actor, *, name: str, kind: str, categories: list[str]
    ) -> Receipt:
        check_role(actor, "register_body")
        if self.exists(ids.body_id(name)):
            raise AlreadyExists(f"an evaluation body named {name!r} is registered", field="name")
        body = EvaluationBody.register(
            name=name, kind=kind, categories=categories, actor=actor, at=self.now()
        )
        return self.commit(body)

    def suspend_body(
        self, actor: Actor, body_id: str, *, reason: str, expected_version: int | None = None
    ) -> Receipt:
        check_role(actor, "suspend_body")
        body = self.load(EvaluationBody, body_id, "evaluation body", expected_version)
        body.suspend(reason=reason, actor=actor, at=self.now())
        return self.commit(body)

    def reinstate_body(
        self, actor: Actor, body_id: str, *, reason: str, expected_version: int | None = None
    ) -> Receipt:
        check_role(actor, "reinstate_body")
        body = self.load(EvaluationBody, body_id, "evaluation body", expected_version)
        body.reinstate(reason=reason, actor=actor, at=self.now())
        return self.commit(body)

    def change_body_categories(
        self,
        actor: Actor,
        body_id: str,
        *,
        categories: list[str],
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        check_role(actor, "change_body_categories")
        body = self.load(EvaluationBody, body_id, "evaluation body", expected_version)
        body.change_categories(categories=categories, reason=reason, actor=actor, at=self.now())
        return self.commit(body)

    def issue_credential(
        self,
        actor: Actor,
        *,
        role: str,
        subject: str,
        label: str = "",
        expires_at: datetime | None = None,
        region: str = "",
    ) -> IssuedCredential:
        """Create a credential; the token is returned here once and never stored."""
        check_role(actor, "issue_credential")
        if role == Role.EVALUATION_BODY:
            self.load(EvaluationBody, subject, "evaluation body")  # must exist
        if role == Role.ENTERPRISE and (problem := credit_code_problem(subject)):
            raise InvalidCredential(f"subject must be a credit code: {problem}", field="subject")
        token, at = new_token(), self.now()
        credential = Credential.issue(
            token=token,
            role=role,
            subject=subject,
            label=label,
            expires_at=expires_at,
            actor=actor,
            at=at,
            region=region,
        )
        receipt = self.commit(credential, granted(credential, actor, at))
        return IssuedCredential(id=receipt["id"], position=receipt["position"], token=token)

    def bootstrap_credential(self, *, role: str, subject: str, label: str) -> IssuedCredential:
        """Issue a credential from the command line (the operator acts as the registry)."""
        return self.issue_credential(OPERATOR, role=role, subject=subject, label=label)

    def rotate_credential(
        self, actor: Actor, credential_id: str, *, expected_version: int | None = None
    ) -> IssuedCredential:
        """Replace a credential by a new one (new token, new id, same role, subject, label
        and expiry) and revoke the old one, in one atomic save. The token is returned once."""
        check_role(actor, "rotate_credential")
        old = self.load(Credential, credential_id, "credential", expected_version)
        token, at = new_token(), self.now()
        new = old.rotate(token=token, actor=actor, at=at)
        old_grant = self._grant_of(old)
        if old_grant is not None:
            old_grant.revoke(reason=ROTATED, actor=actor, at=at)
        receipt = self.commit(new, old, granted(new, actor, at), old_grant)
        return IssuedCredential(id=receipt["id"], position=receipt["position"], token=token)

    def revoke_credential(
        self, actor: Actor, credential_id: str, *, expected_version: int | None = None
    ) -> Receipt:
        check_role(actor, "revoke_credential")
        credential = self.load(Credential, credential_id, "credential", expected_version)
        at = self.now()
        credential.revoke(actor=actor, at=at)
        grant = self._grant_of(credential)
        if grant is not None:
            grant.revoke(reason="", actor=actor, at=at)
        return self.commit(credential, grant)

    def publish_grants(self, actor: Actor) -> int:
        """Record the public grant (and revocation) of every credential issued before grants
        were recorded, with its own issue and revocation times; answers how many. Safe to
        run again: a credential with a grant is skipped."""
        check_role(actor, "issue_credential")
        issued = get_topic(Credential) + ".Issued"  # the event class the decorator defines
        published, start = 0, 1
        while page := self.recorder.select_notifications(start, 500, topics=[issued]):
            for notification in page:
                credential_id = str(notification.originator_id)
                if not self.exists(ids.grant_id(credential_id)):
                    self.commit(self._earlier_grant(credential_id, actor))
                    published += 1
            start = page[-1].id + 1
        return published

    def _earlier_grant(self, credential_id: str, actor: Actor) -> AccessGrant:
        """The grant of a credential issued (and maybe revoked) before grants were recorded."""
        credential = self.load(Credential, credential_id, "credential", to_change=False)
        at = self.now()
        grant = AccessGrant.record(
            credential_id=credential_id,
            role=credential.role,
            subject=credential.subject,
            expires_at=credential.expires_at,
            replaces=credential.replaces,
            actor=actor,
            at=at,
            issued_at=credential.created_on,
            issued_by=credential.issued_by,
        )
        if credential.revoked:
            grant.revoke(
                reason=credential.revocation_reason,
                actor=actor,
                at=at,
                revoked_at=credential.revoked_at,
                revoked_by=credential.revoked_by,
            )
        return grant

    def _grant_of(self, credential: Credential) -> AccessGrant | None:
        """The credential's public grant; None for one issued before grants were recorded
        (`publish_grants` records those)."""
        grant_id = ids.grant_id(str(credential.id))
        if not self.exists(grant_id):
            return None
        return self.load(AccessGrant, grant_id, "access grant")

    def authenticate(self, token: str) -> Actor:
        """The actor a bearer token speaks for; raises Unauthenticated otherwise."""
        if not token.startswith(TOKEN_PREFIX):
            raise Unauthenticated("unknown bearer token")
        try:  # only read: every request authenticates, so it shares the cached credential
            credential = self.load(
                Credential, ids.credential_id(hash_token(token)), "credential", to_change=False
            )
        except NotFound:
            raise Unauthenticated("unknown bearer token") from None
        now = self.now()
        if not credential.matches(token) or not credential.is_valid(now):
            raise Unauthenticated("the bearer token is revoked or expired")
        self._note_use(str(credential.id), now)
        return credential.as_actor()

    def _note_use(self, credential_id: str, at: datetime) -> None:
        """Tell the read side the credential was used; never fail an authentication for it."""
        hook = self.on_credential_used
        if hook is None:
            return
        try:
            hook(credential_id, at)
        except Exception:  # bookkeeping must never refuse a valid token
            log.warning("could not note the use of credential %s", credential_id, exc_info=True)

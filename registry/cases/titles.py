"""Use cases: complaints, revocations and the expiry of titles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.candidacy import Candidacy, Status
from domain.complaint import Complaint
from domain.credential import Credential
from domain.evaluation_body import EvaluationBody
from domain.jurisdiction import NATIONAL, check_jurisdiction
from domain.scheme import Scheme
from domain.values import Actor, Role
from registry.base import Receipt, RegistryBase
from registry.permissions import check_role, check_subject

TITLES = "titles"


class TitleCases(RegistryBase):
    """What happens to a title once it is publicised: complaints, revocation, expiry."""

    def jurisdiction(self, actor: Actor) -> str:
        """The region a regulator may act in: its credential's (an actor with no credential,
        such as the command line's or a test's, is national)."""
        if not actor.credential_id:
            return NATIONAL
        credential = self.load(Credential, actor.credential_id, "credential", to_change=False)
        return credential.jurisdiction

    def _check_jurisdiction(self, actor: Actor, candidacy: Candidacy) -> None:
        """A regulator acts only on titles (and complaints about them) on lists of its region
        or below (rule 17)."""
        if actor.role == Role.REGULATOR:
            check_jurisdiction(self.jurisdiction(actor), candidacy.scheme_region, TITLES)

    def file_complaint(
        self,
        actor: Actor,
        *,
        candidacy_id: str,
        complainant_kind: str,
        grounds: str,
        description: str,
        evidence: Sequence[str],
    ) -> Receipt:
        check_role(actor, "file_complaint")
        candidacy = self.load(Candidacy, candidacy_id, "candidacy")
        self._check_jurisdiction(actor, candidacy)
        now = self.now()
        complaint = Complaint.file(
            candidacy_id=candidacy.id,
            complainant_kind=complainant_kind,
            grounds=grounds,
            description=description,
            evidence=evidence,
            actor=actor,
            at=now,
        )
        candidacy.complaint_filed(complaint_id=complaint.id, actor=actor, at=now)
        return self.commit(complaint, candidacy)

    def decide_complaint(
        self,
        actor: Actor,
        complaint_id: str,
        *,
        upheld: bool,
        findings: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Decide; the candidacy then applies the decision (rules 6 and 8)."""
        check_role(actor, "decide_complaint")
        complaint = self.load(Complaint, complaint_id, "complaint", expected_version)
        candidacy = self.load(Candidacy, complaint.candidacy_id, "candidacy")
        self._check_jurisdiction(actor, candidacy)
        now = self.now()
        complaint.decide(upheld=upheld, findings=findings, actor=actor, at=now)
        candidacy.complaint_decided(complaint=complaint, actor=actor, at=now)
        return self.commit(complaint, candidacy)

    def investigate_complaint(
        self, actor: Actor, complaint_id: str, *, expected_version: int | None = None
    ) -> Receipt:
        """Record that the regulator investigates the complaint (who and when)."""
        check_role(actor, "investigate_complaint")
        complaint = self.load(Complaint, complaint_id, "complaint", expected_version)
        candidacy = self.load(Candidacy, complaint.candidacy_id, "candidacy", to_change=False)
        self._check_jurisdiction(actor, candidacy)
        complaint.start_investigation(actor=actor, at=self.now())
        return self.commit(complaint)

    def answer_complaint(
        self,
        actor: Actor,
        complaint_id: str,
        *,
        statement: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Record the enterprise's statement in answer to a complaint about its own title."""
        check_role(actor, "answer_complaint")
        complaint = self.load(Complaint, complaint_id, "complaint", expected_version)
        candidacy = self.load(Candidacy, complaint.candidacy_id, "candidacy", to_change=False)
        check_subject(actor, candidacy.enterprise.credit_code, "this complaint")
        complaint.answer(statement=statement, actor=actor, at=self.now())
        return self.commit(complaint)

    def revoke_title(
        self,
        actor: Actor,
        candidacy_id: str,
        *,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        check_role(actor, "revoke_title")
        candidacy = self.load(Candidacy, candidacy_id, "candidacy", expected_version)
        scheme = self.load(Scheme, candidacy.scheme_id, "scheme")
        if actor.role == Role.EVALUATION_BODY:  # a regulator revokes within its region
            scheme.check_body(actor, self.load(EvaluationBody, scheme.body_id, "evaluation body"))
        self._check_jurisdiction(actor, candidacy)
        candidacy.revoke(reason=reason, actor=actor, at=self.now())
        return self.commit(candidacy)

    def expire_titles(self, candidacy_ids: Iterable[str]) -> int:
        """Record the expiry of every given title whose validity has ended; returns how many."""
        now, expired = self.now(), 0
        for cid in candidacy_ids:
            candidacy = self.load(Candidacy, cid, "candidacy")
            if candidacy.status == Status.AWARDED and not candidacy.is_active_leader(now):
                candidacy.expire(actor=Actor.system("expiry-sweeper"), at=now)
                self.commit(candidacy)
                expired += 1
        return expired

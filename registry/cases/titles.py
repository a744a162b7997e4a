"""Use cases: complaints, revocations and the expiry of titles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.candidacy import Candidacy, Status
from domain.complaint import Complaint
from domain.evaluation_body import EvaluationBody
from domain.scheme import Scheme
from domain.values import Actor, Role
from registry.base import Receipt, RegistryBase
from registry.permissions import check_role


class TitleCases(RegistryBase):
    """What happens to a title once it is publicised: complaints, revocation, expiry."""

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
        now = self.now()
        complaint.decide(upheld=upheld, findings=findings, actor=actor, at=now)
        candidacy.complaint_decided(complaint=complaint, actor=actor, at=now)
        return self.commit(complaint, candidacy)

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
        if actor.role == Role.EVALUATION_BODY:  # a regulator revokes for the registry
            scheme.check_body(actor, self.load(EvaluationBody, scheme.body_id, "evaluation body"))
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

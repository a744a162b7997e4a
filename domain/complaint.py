"""Complaints against a publicised or awarded candidacy, and their decisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict, InvalidInput
from domain.values import Actor


class Grounds(StrEnum):
    NONCONFORMITY = "nonconformity"  # does not meet its declared level
    FRAUD = "fraud"  # entered by fraud
    OTHER = "other"


REVOKING_GROUNDS = frozenset({Grounds.NONCONFORMITY.value, Grounds.FRAUD.value})


class ComplainantKind(StrEnum):
    REGULATOR = "regulator"
    CONSUMER = "consumer"
    MEDIA = "media"
    ASSOCIATION = "association"


class ComplaintStatus(StrEnum):
    FILED = "filed"
    INVESTIGATING = "investigating"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class ComplaintError(Exception):
    """Base of complaint rule failures."""


class InvalidComplaint(ComplaintError, InvalidInput):
    """The complaint's content breaks a rule."""


class ComplaintAlreadyDecided(ComplaintError, Conflict):
    """A decided complaint is final."""


class ComplaintStepConflict(ComplaintError, Conflict):
    """The step does not fit the complaint's state (investigated or answered twice)."""


OPEN_STATUSES = frozenset({ComplaintStatus.FILED.value, ComplaintStatus.INVESTIGATING.value})


class Complaint(Aggregate):
    """A complaint about one candidacy: filed, under investigation, then upheld or dismissed.

    The investigation step is optional: a complaint may still be decided straight from
    `filed` (as before the step existed). While it is open, the enterprise whose candidacy
    it is about may answer it once with a statement.
    """

    # The events, declared so that their readers (the projections) are typed.
    class Filed(Aggregate.Created):
        candidacy_id: UUID
        complainant_kind: str
        grounds: str
        description: str
        evidence: list[str]
        actor: Actor
        report_id: UUID | None = None  # the public report it was opened from (older: None)

    class InvestigationStarted(Aggregate.Event):
        actor: Actor

    class Answered(Aggregate.Event):
        statement: str
        actor: Actor

    class Upheld(Aggregate.Event):
        findings: str
        actor: Actor

    class Dismissed(Aggregate.Event):
        findings: str
        actor: Actor

    @classmethod
    def file(
        cls,
        *,
        candidacy_id: UUID,
        complainant_kind: str,
        grounds: str,
        description: str,
        evidence: Sequence[str],
        actor: Actor,
        at: datetime,
        report_id: UUID | None = None,
    ) -> Complaint:
        if grounds not in set(Grounds):
            raise InvalidComplaint(f"unknown grounds {grounds!r}", field="grounds")
        if complainant_kind not in set(ComplainantKind):
            raise InvalidComplaint(
                f"unknown complainant kind {complainant_kind!r}", field="complainant_kind"
            )
        if not description.strip():
            raise InvalidComplaint("a complaint needs a description", field="description")
        return cls(
            candidacy_id=candidacy_id,
            complainant_kind=complainant_kind,
            grounds=grounds,
            description=description,
            evidence=list(evidence),
            actor=actor,
            timestamp=at,
            report_id=report_id,
        )

    @event(Filed)
    def __init__(
        self,
        candidacy_id: UUID,
        complainant_kind: str,
        grounds: str,
        description: str,
        evidence: list[str],
        actor: Actor,
        timestamp: datetime,
        report_id: UUID | None = None,
    ) -> None:
        self.candidacy_id = candidacy_id
        self.report_id = report_id
        self.complainant_kind = complainant_kind
        self.grounds = grounds
        self.description = description
        self.evidence = list(evidence)
        self.status = ComplaintStatus.FILED.value
        self.findings = ""
        self.statement = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def start_investigation(self, *, actor: Actor, at: datetime) -> None:
        """Record that a regulator investigates the complaint (who and when)."""
        if not self.is_open:
            raise ComplaintAlreadyDecided(f"complaint is already {self.status}")
        if self.status == ComplaintStatus.INVESTIGATING:
            raise ComplaintStepConflict("the complaint is already under investigation")
        self._investigation_started(actor=actor, timestamp=at)

    @event(InvestigationStarted)
    def _investigation_started(self, actor: Actor, timestamp: datetime) -> None:
        self.status = ComplaintStatus.INVESTIGATING.value

    def answer(self, *, statement: str, actor: Actor, at: datetime) -> None:
        """Record the enterprise's statement in answer; once, while the complaint is open."""
        if not self.is_open:
            raise ComplaintAlreadyDecided(f"complaint is already {self.status}")
        if self.statement:
            raise ComplaintStepConflict("the enterprise has already answered this complaint")
        if not statement.strip():
            raise InvalidComplaint("a statement needs some text", field="statement")
        self._answered(statement=statement, actor=actor, timestamp=at)

    @event(Answered)
    def _answered(self, statement: str, actor: Actor, timestamp: datetime) -> None:
        self.statement = statement

    @property
    def revokes(self) -> bool:
        """Whether this complaint, upheld, revokes the title."""
        return self.status == ComplaintStatus.UPHELD and self.grounds in REVOKING_GROUNDS

    def decide(self, *, upheld: bool, findings: str, actor: Actor, at: datetime) -> None:
        if not self.is_open:
            raise ComplaintAlreadyDecided(f"complaint is already {self.status}")
        if not findings.strip():
            raise InvalidComplaint("a decision needs findings", field="findings")
        if upheld:
            self._upheld(findings=findings, actor=actor, timestamp=at)
        else:
            self._dismissed(findings=findings, actor=actor, timestamp=at)

    @event(Upheld)
    def _upheld(self, findings: str, actor: Actor, timestamp: datetime) -> None:
        self.status = ComplaintStatus.UPHELD.value
        self.findings = findings

    @event(Dismissed)
    def _dismissed(self, findings: str, actor: Actor, timestamp: datetime) -> None:
        self.status = ComplaintStatus.DISMISSED.value
        self.findings = findings

"""A public report: anyone's account of a problem with a leader or an enterprise."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import limits
from domain.complaint import Grounds
from domain.credit_code import credit_code_problem
from domain.errors import Conflict, InvalidInput
from domain.search_text import normalise
from domain.values import Actor


class TargetKind(StrEnum):
    CANDIDACY = "candidacy"  # a leader: one candidacy
    ENTERPRISE = "enterprise"  # by its credit code


class ReportStatus(StrEnum):
    RECEIVED = "received"  # open: waits for a regulator; blocks a publicised entry's award
    FOLDED = "folded"  # a duplicate of an earlier report, which stands for it
    CLOSED = "closed"  # dealt with by a regulator; its outcome is the reporter's to read


OPEN_STATUSES = frozenset({ReportStatus.RECEIVED.value})
# The outcome a reporter reads when a complaint was opened from the report (then its id).
COMPLAINT_OPENED = "A regulator opened a complaint from this report:"
_PHONE = re.compile(r"[0-9+()\- ]{3,}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ReportError(Exception):
    """Base of report rule failures."""


class InvalidReport(ReportError, InvalidInput):
    """The report's content breaks a rule."""


class ReportAlreadyClosed(ReportError, Conflict):
    """Only an open report can be dealt with."""


class ReportAlreadyErased(ReportError, Conflict):
    """A report's personal data can be erased once."""


def target_key(target_kind: str, target: str) -> str:
    """What a report is about, as one string: `candidacy:<id>` or `enterprise:<code>`."""
    return f"{target_kind}:{target}"


def fingerprint(description: str) -> str:
    """Rule 16: two reports say the same when their descriptions normalise alike (case,
    width and white space aside): the SHA-256 of the normalised text."""
    return hashlib.sha256(normalise(description).encode()).hexdigest()


def check_content(
    *, target_kind: str, target: str, grounds: str, description: str, evidence: Sequence[str]
) -> None:
    """What every report must hold: a known target and grounds, a description, within limits."""
    if target_kind not in set(TargetKind):
        raise InvalidReport(f"unknown target kind {target_kind!r}", field="target_kind")
    if target_kind == TargetKind.ENTERPRISE and (problem := credit_code_problem(target)):
        raise InvalidReport(problem, field="credit_code")
    if grounds not in set(Grounds):
        raise InvalidReport(f"unknown grounds {grounds!r}", field="grounds")
    if not description.strip():
        raise InvalidReport("a report needs a description", field="description")
    if problem := limits.text_problem(description, limits.MAX_TEXT, lines=True):
        raise InvalidReport(f"description {problem}", field="description")
    if len(evidence) > limits.MAX_REPORT_EVIDENCE:
        raise InvalidReport(
            f"at most {limits.MAX_REPORT_EVIDENCE} evidence references", field="evidence"
        )
    for item in evidence:
        if problem := limits.text_problem(item, limits.MAX_LABEL):
            raise InvalidReport(f"evidence reference {problem}", field="evidence")


@dataclass(frozen=True)
class PersonalData:
    """What a reporter may give that is theirs alone: contact details and a private note.
    Never recorded in the clear: the registry seals it under the report's own key."""

    name: str = ""
    phone: str = ""
    email: str = ""
    private: str = ""

    @property
    def empty(self) -> bool:
        return not (self.name or self.phone or self.email or self.private)

    def check(self) -> None:
        """Each field within its limit; a phone of digits and separators; an email with @."""
        for field, value, most, lines in (
            ("contact.name", self.name, limits.MAX_NAME, False),
            ("contact.phone", self.phone, limits.MAX_PHONE, False),
            ("contact.email", self.email, limits.MAX_EMAIL, False),
            ("private", self.private, limits.MAX_TEXT, True),
        ):
            if problem := limits.text_problem(value, most, lines=lines):
                raise InvalidReport(f"{field.removeprefix('contact.')} {problem}", field=field)
        if self.phone and not _PHONE.fullmatch(self.phone):
            raise InvalidReport(
                "phone may hold digits, spaces, +, -, ( and )", field="contact.phone"
            )
        if self.email and not _EMAIL.fullmatch(self.email):
            raise InvalidReport("email must look like name@example.org", field="contact.email")


class Report(Aggregate):
    """Received (open) or folded into an earlier one; closed by a regulator with an outcome.

    The reporter's personal data (contact details, the private field) is never held in the
    clear: `sealed` is its ciphertext under a key of this report's own, kept outside the log
    so that destroying the key erases it while every event stays as it was (rule 15).
    """

    class Received(Aggregate.Created):
        target_kind: str
        target: str
        candidacy_id: UUID | None
        grounds: str
        description: str
        evidence: list[str]
        sealed: str
        secret_hash: str
        fingerprint: str
        duplicate_of: UUID | None
        actor: Actor

    class Closed(Aggregate.Event):
        outcome: str
        actor: Actor

    class PersonalDataErased(Aggregate.Event):
        reason: str
        actor: Actor

    class ComplaintOpened(Aggregate.Event):
        complaint_id: UUID
        actor: Actor

    @classmethod
    def receive(
        cls,
        *,
        target_kind: str,
        target: str,
        candidacy_id: UUID | None,
        grounds: str,
        description: str,
        evidence: Sequence[str],
        sealed: str,
        secret_hash: str,
        fingerprint: str,
        duplicate_of: UUID | None,
        actor: Actor,
        at: datetime,
    ) -> Report:
        check_content(
            target_kind=target_kind,
            target=target,
            grounds=grounds,
            description=description,
            evidence=evidence,
        )
        return cls(
            target_kind=target_kind,
            target=target,
            candidacy_id=candidacy_id,
            grounds=grounds,
            description=description,
            evidence=list(evidence),
            sealed=sealed,
            secret_hash=secret_hash,
            fingerprint=fingerprint,
            duplicate_of=duplicate_of,
            actor=actor,
            timestamp=at,
        )

    @event(Received)
    def __init__(
        self,
        target_kind: str,
        target: str,
        candidacy_id: UUID | None,
        grounds: str,
        description: str,
        evidence: list[str],
        sealed: str,
        secret_hash: str,
        fingerprint: str,
        duplicate_of: UUID | None,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.target_kind = target_kind
        self.target = target
        self.candidacy_id = candidacy_id
        self.grounds = grounds
        self.description = description
        self.evidence = list(evidence)
        self.sealed = sealed
        self.secret_hash = secret_hash
        self.fingerprint = fingerprint
        self.duplicate_of = duplicate_of
        folded = duplicate_of is not None
        self.status = (ReportStatus.FOLDED if folded else ReportStatus.RECEIVED).value
        self.outcome = ""
        self.erased = False
        self.complaint_id: UUID | None = None  # the complaint a regulator opened from it

    @property
    def is_open(self) -> bool:
        """Whether a regulator has yet to deal with it (what blocks an award, rule 6)."""
        return self.status in OPEN_STATUSES

    def close(self, *, outcome: str, actor: Actor, at: datetime) -> None:
        """A regulator has dealt with the report; `outcome` is public to its reporter."""
        if not self.is_open:
            raise ReportAlreadyClosed(f"report is {self.status}")
        if not outcome.strip():
            raise InvalidReport("closing a report needs an outcome", field="outcome")
        if problem := limits.text_problem(outcome, limits.MAX_TEXT, lines=True):
            raise InvalidReport(f"outcome {problem}", field="outcome")
        self._closed(outcome=outcome, actor=actor, timestamp=at)

    @event(Closed)
    def _closed(self, outcome: str, actor: Actor, timestamp: datetime) -> None:
        self.status = ReportStatus.CLOSED.value
        self.outcome = outcome

    def personal_data_erased(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """Record that the report's key was destroyed (the fact; the data is gone with it)."""
        if self.erased:
            raise ReportAlreadyErased("the report's personal data is already erased")
        if not reason.strip():
            raise InvalidReport("an erasure needs a reason", field="reason")
        self._personal_data_erased(reason=reason, actor=actor, timestamp=at)

    @event(PersonalDataErased)
    def _personal_data_erased(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.erased = True

    def complaint_opened(self, *, complaint_id: UUID, actor: Actor, at: datetime) -> None:
        """Triage: a regulator opened a complaint from the report, which is dealt with; the
        reporter reads the complaint's id (the complaint names the report: linked both ways).
        The other way to deal with it is `close`, as unfounded, with a reason."""
        if not self.is_open:
            raise ReportAlreadyClosed(f"report is {self.status}")
        self._complaint_opened(complaint_id=complaint_id, actor=actor, timestamp=at)

    @event(ComplaintOpened)
    def _complaint_opened(self, complaint_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.status = ReportStatus.CLOSED.value
        self.complaint_id = complaint_id
        self.outcome = f"{COMPLAINT_OPENED} {complaint_id}"

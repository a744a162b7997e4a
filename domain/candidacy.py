"""Candidacy: the leader-status stream of one declared standard within one scheme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.complaint import Complaint, ComplaintStatus
from domain.declaration import Declaration
from domain.errors import Conflict, InvalidInput
from domain.ranking import IndicatorScore
from domain.report import Report
from domain.scheme import Scheme
from domain.values import Actor, Enterprise, Indicator, IndicatorKind, Product


class Status(StrEnum):
    ENTERED = "entered"  # the declared standard competes
    EVALUATED = "evaluated"
    EXCLUDED = "excluded"
    NOT_RANKED = "not_ranked"
    RANKED = "ranked"  # ranked, below the cut-off
    PUBLICISED = "publicised"  # qualified; the publicity window is open
    AWARDED = "awarded"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"  # the enterprise withdrew the declared standard


EVALUABLE = (Status.ENTERED, Status.EVALUATED, Status.EXCLUDED)
STANDARD_WITHDRAWN = "the declared standard was withdrawn"


class CandidacyError(Exception):
    """Base of candidacy rule failures."""


class CandidacyStateConflict(CandidacyError, Conflict):
    """The candidacy is not in a state that allows this."""


class CategoryMismatch(CandidacyError, Conflict):
    """The declared product is not in the scheme's category."""


class InvalidEvaluation(CandidacyError, InvalidInput):
    """The evaluation's values do not fit the scheme's indicators."""


def check_outcome(values: Mapping[str, Decimal] | None, exclusion_reason: str | None) -> None:
    """Rule 3: an evaluation records the verified values, or excludes the entry with a reason
    (`exclusion_reason` not None), never both."""
    if exclusion_reason is not None:
        if values is not None:
            raise InvalidEvaluation("an excluded candidate has no values", field="values")
        if not exclusion_reason.strip():
            raise InvalidEvaluation("an exclusion needs a reason", field="reason")
    elif values is None:
        raise InvalidEvaluation(
            "give the verified values, or exclude with a reason", field="values"
        )


class Candidacy(Aggregate):
    """Declared → evaluated → ranked → publicised → awarded → revoked / expired / superseded."""

    # The events, declared so that their readers (the projections) are typed.
    class Entered(Aggregate.Created):
        scheme_id: UUID
        body_id: UUID
        category: str
        cycle: int
        level: str
        scheme_region: str
        declaration_id: UUID
        declaration_revision: int
        enterprise: Enterprise
        standard_number: str
        product: Product
        declared: dict[str, Decimal]
        actor: Actor

    class Evaluated(Aggregate.Event):
        values: dict[str, Decimal]
        actor: Actor

    class Excluded(Aggregate.Event):
        reason: str
        actor: Actor

    class Ranked(Aggregate.Event):
        rank: int
        score: Decimal
        qualified: bool
        breakdown: list[IndicatorScore]
        publicity_ends_at: datetime
        actor: Actor

    class NotRanked(Aggregate.Event):
        reason: str
        actor: Actor

    class Awarded(Aggregate.Event):
        valid_until: datetime
        actor: Actor

    class ComplaintFiled(Aggregate.Event):
        complaint_id: UUID
        actor: Actor

    class ComplaintClosed(Aggregate.Event):
        complaint_id: UUID
        outcome: str
        actor: Actor

    class ReportFiled(Aggregate.Event):
        report_id: UUID
        actor: Actor

    class ReportClosed(Aggregate.Event):
        report_id: UUID
        actor: Actor

    class Revoked(Aggregate.Event):
        reason: str
        complaint_id: UUID | None
        actor: Actor

    class Expired(Aggregate.Event):
        valid_until: datetime
        actor: Actor

    class Superseded(Aggregate.Event):
        by_scheme_id: UUID
        actor: Actor

    class Withdrawn(Aggregate.Event):
        reason: str
        actor: Actor

    @staticmethod
    def create_id(scheme_id: UUID, declaration_id: UUID, **_: Any) -> UUID:
        return ids.candidacy_id(scheme_id, declaration_id)

    @classmethod
    def enter(
        cls, *, scheme: Scheme, declaration: Declaration, actor: Actor, at: datetime
    ) -> Candidacy:
        declaration.check_active()  # rule 1: a withdrawn standard cannot compete
        if declaration.product.category != scheme.category:
            raise CategoryMismatch(
                f"product category {declaration.product.category!r} is not the scheme's "
                f"category {scheme.category!r}",
                field="declaration_id",
            )
        candidacy = cls(
            scheme_id=scheme.id,
            body_id=scheme.body_id,
            category=scheme.category,
            cycle=scheme.cycle,
            level=scheme.level,
            scheme_region=scheme.region,
            declaration_id=declaration.id,
            declaration_revision=declaration.revision,
            enterprise=declaration.enterprise,
            standard_number=declaration.standard_number,
            product=declaration.product,
            declared=dict(declaration.indicators),
            actor=actor,
            timestamp=at,
        )
        scheme.enter_candidate(candidacy_id=candidacy.id, actor=actor, at=at)
        return candidacy

    @event(Entered)
    def __init__(
        self,
        scheme_id: UUID,
        body_id: UUID,
        category: str,
        cycle: int,
        level: str,
        scheme_region: str,
        declaration_id: UUID,
        declaration_revision: int,
        enterprise: Enterprise,
        standard_number: str,
        product: Product,
        declared: dict[str, Decimal],
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.scheme_id = scheme_id
        self.body_id = body_id
        self.category = category
        self.cycle = cycle
        self.level = level
        self.scheme_region = scheme_region
        self.declaration_id = declaration_id
        self.enterprise = enterprise
        self.standard_number = standard_number
        self.product = product
        self.declared = dict(declared)
        self.status = Status.ENTERED.value
        self.values: dict[str, Decimal] = {}
        self.exclusion_reason = ""
        self.rank: int | None = None
        self.open_complaints: list[UUID] = []
        self.open_reports: list[UUID] = []
        self.valid_until: datetime | None = None
        self.end_reason = ""

    def _require(self, *statuses: Status) -> None:
        if self.status not in statuses:
            allowed = " or ".join(s.value for s in statuses)
            raise CandidacyStateConflict(f"candidacy is {self.status}; this needs it {allowed}")

    def is_active_leader(self, at: datetime) -> bool:
        """Rule 7: awarded, and its validity not over (expiry and supersession end it)."""
        return (
            self.status == Status.AWARDED and self.valid_until is not None and at < self.valid_until
        )

    # Evaluation -----------------------------------------------------------------
    def evaluate(
        self,
        *,
        values: Mapping[str, Decimal],
        indicators: Sequence[Indicator],
        actor: Actor,
        at: datetime,
        units: Mapping[str, str] | None = None,
    ) -> None:
        self._require(*EVALUABLE)
        declared_units = {i.code: i.unit for i in indicators}
        for code, unit in (units or {}).items():
            if code in declared_units and unit != declared_units[code]:
                raise InvalidEvaluation(
                    f"indicator {code!r} is measured in {declared_units[code]!r}, not {unit!r}",
                    field=f"units.{code}",
                )
        known = set(declared_units)
        unknown = sorted((set(values) | set(units or {})) - known)
        if unknown:
            raise InvalidEvaluation(
                f"unknown indicator codes: {', '.join(unknown)}", field="values"
            )
        missing = [
            i.code for i in indicators if i.kind == IndicatorKind.CORE and i.code not in values
        ]
        if missing:
            raise InvalidEvaluation(
                f"missing core indicators: {', '.join(missing)}", field="values"
            )
        for code, value in values.items():
            if not value.is_finite():
                raise InvalidEvaluation(f"indicator {code!r} is not finite", field="values")
        self._evaluated(values=dict(values), actor=actor, timestamp=at)

    @event(Evaluated)
    def _evaluated(self, values: dict[str, Decimal], actor: Actor, timestamp: datetime) -> None:
        self.status = Status.EVALUATED.value
        self.values = dict(values)
        self.exclusion_reason = ""

    def exclude(self, *, reason: str, actor: Actor, at: datetime) -> None:
        self._require(*EVALUABLE)
        check_outcome(None, reason)
        self._excluded(reason=reason, actor=actor, timestamp=at)

    @event(Excluded)
    def _excluded(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.EXCLUDED.value
        self.exclusion_reason = reason

    def drop_if_withdrawn(self, *, declaration: Declaration, actor: Actor, at: datetime) -> bool:
        """Rule 1: once its standard is withdrawn a candidacy no longer competes: excluded
        before the ranking, its qualification revoked during publicity. Whether it was."""
        if not declaration.withdrawn:
            return False
        if self.status == Status.PUBLICISED:
            self.revoke(reason=STANDARD_WITHDRAWN, actor=actor, at=at)
        else:
            self.exclude(reason=STANDARD_WITHDRAWN, actor=actor, at=at)
        return True

    # Ranking --------------------------------------------------------------------
    def place(
        self,
        *,
        rank: int,
        score: Decimal,
        qualified: bool,
        breakdown: Sequence[IndicatorScore],
        publicity_ends_at: datetime,
        actor: Actor,
        at: datetime,
    ) -> None:
        self._require(Status.EVALUATED)
        self._ranked(
            rank=rank,
            score=score,
            qualified=qualified,
            breakdown=list(breakdown),
            publicity_ends_at=publicity_ends_at,
            actor=actor,
            timestamp=at,
        )

    @event(Ranked)
    def _ranked(
        self,
        rank: int,
        score: Decimal,
        qualified: bool,
        breakdown: list[IndicatorScore],
        publicity_ends_at: datetime,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.status = (Status.PUBLICISED if qualified else Status.RANKED).value
        self.rank = rank

    def reject(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """Not ranked: the evaluated values break a ranking rule (e.g. a baseline)."""
        self._require(Status.EVALUATED)
        self._not_ranked(reason=reason, actor=actor, timestamp=at)

    @event(NotRanked)
    def _not_ranked(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.NOT_RANKED.value
        self.exclusion_reason = reason

    def award_blocker(self) -> str | None:
        """Rule 6: what must be dealt with before the award (None: nothing). An open
        complaint, or an open public report filed during the publicity window."""
        if self.open_complaints:
            return "an open complaint must be decided"
        if self.open_reports:
            return "an open report must be dealt with by a regulator"
        return None

    def award(self, *, valid_until: datetime, actor: Actor, at: datetime) -> None:
        self._require(Status.PUBLICISED)
        if blocker := self.award_blocker():
            raise CandidacyStateConflict(f"{blocker} before the award")
        self._awarded(valid_until=valid_until, actor=actor, timestamp=at)

    @event(Awarded)
    def _awarded(self, valid_until: datetime, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.AWARDED.value
        self.valid_until = valid_until

    # Complaints and the end of a title --------------------------------------------
    def _require_title(self, at: datetime) -> None:
        if self.status == Status.AWARDED and not self.is_active_leader(at):
            raise CandidacyStateConflict("the title has expired")
        self._require(Status.PUBLICISED, Status.AWARDED)

    def complaint_filed(self, *, complaint_id: UUID, actor: Actor, at: datetime) -> None:
        self._require_title(at)
        self._complaint_filed(complaint_id=complaint_id, actor=actor, timestamp=at)

    @event(ComplaintFiled)
    def _complaint_filed(self, complaint_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.open_complaints.append(complaint_id)

    def complaint_closed(
        self, *, complaint_id: UUID, outcome: str, actor: Actor, at: datetime
    ) -> None:
        if complaint_id not in self.open_complaints:
            raise CandidacyStateConflict("no such open complaint on this candidacy")
        self._complaint_closed(
            complaint_id=complaint_id, outcome=outcome, actor=actor, timestamp=at
        )

    @event(ComplaintClosed)
    def _complaint_closed(
        self, complaint_id: UUID, outcome: str, actor: Actor, timestamp: datetime
    ) -> None:
        self.open_complaints.remove(complaint_id)

    def report_filed(self, *, report: Report, actor: Actor, at: datetime) -> bool:
        """Rule 6: an open report filed during the publicity window blocks the award, as an
        open complaint does, until a regulator deals with it. Whether it blocks."""
        if self.status != Status.PUBLICISED or not report.is_open:
            return False
        self._report_filed(report_id=report.id, actor=actor, timestamp=at)
        return True

    @event(ReportFiled)
    def _report_filed(self, report_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.open_reports.append(report_id)

    def report_dealt_with(self, *, report: Report, actor: Actor, at: datetime) -> None:
        """Lift a report's block once it is no longer open (nothing to do if it never
        blocked, e.g. one filed after the award)."""
        if report.is_open:
            raise CandidacyStateConflict("the report is still open")
        if report.id in self.open_reports:
            self._report_closed(report_id=report.id, actor=actor, timestamp=at)

    @event(ReportClosed)
    def _report_closed(self, report_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.open_reports.remove(report_id)

    def complaint_decided(self, *, complaint: Complaint, actor: Actor, at: datetime) -> None:
        """Close a decided complaint. During publicity an upheld objection blocks the award
        (rule 6); an upheld finding of nonconformity or fraud revokes the title (rule 8), even
        one that has since lapsed, expired or been superseded."""
        self.complaint_closed(
            complaint_id=complaint.id, outcome=complaint.status, actor=actor, at=at
        )
        upheld = complaint.status == ComplaintStatus.UPHELD
        in_publicity = self.status == Status.PUBLICISED
        if (in_publicity and upheld) or (complaint.revokes and self.status != Status.REVOKED):
            self.revoke(
                reason=f"complaint upheld ({complaint.grounds}): {complaint.findings}",
                complaint_id=complaint.id,
                actor=actor,
                at=at,
            )

    def revoke(
        self, *, reason: str, actor: Actor, at: datetime, complaint_id: UUID | None = None
    ) -> None:
        """Revoke a title in force; an upheld complaint also revokes one that has since
        lapsed, expired, been superseded or withdrawn, so the record shows the finding (rule 8)."""
        if complaint_id is None:
            self._require_title(at)
        else:
            self._require(
                Status.PUBLICISED,
                Status.AWARDED,
                Status.EXPIRED,
                Status.SUPERSEDED,
                Status.WITHDRAWN,
            )
        if not reason.strip():
            raise InvalidEvaluation("a revocation needs a reason", field="reason")
        self._revoked(reason=reason, complaint_id=complaint_id, actor=actor, timestamp=at)

    @event(Revoked)
    def _revoked(
        self, reason: str, complaint_id: UUID | None, actor: Actor, timestamp: datetime
    ) -> None:
        self.status = Status.REVOKED.value
        self.end_reason = reason

    def expire(self, *, actor: Actor, at: datetime) -> None:
        self._require(Status.AWARDED)
        if self.valid_until is None or at < self.valid_until:
            raise CandidacyStateConflict("the title is still valid")
        self._expired(valid_until=self.valid_until, actor=actor, timestamp=at)

    @event(Expired)
    def _expired(self, valid_until: datetime, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.EXPIRED.value
        self.end_reason = f"validity ended {valid_until.isoformat()}"

    def supersede(self, *, by_scheme_id: UUID, actor: Actor, at: datetime) -> None:
        if not self.is_active_leader(at):
            raise CandidacyStateConflict("only an active title can be superseded")
        self._superseded(by_scheme_id=by_scheme_id, actor=actor, timestamp=at)

    @event(Superseded)
    def _superseded(self, by_scheme_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.SUPERSEDED.value
        self.end_reason = f"superseded by the list of scheme {by_scheme_id}"

    def end_for_withdrawal(self, *, declaration: Declaration, actor: Actor, at: datetime) -> bool:
        """Rule 18: a title in force ends at once, as withdrawn, when the enterprise withdraws
        its declared standard. Whether it ended (a title no longer in force is left as is)."""
        if declaration.id != self.declaration_id or not declaration.withdrawn:
            raise CandidacyStateConflict("the title's own standard has not been withdrawn")
        if not self.is_active_leader(at):
            return False
        reason = f"{STANDARD_WITHDRAWN}: {declaration.withdrawal_reason}"
        self._withdrawn(reason=reason, actor=actor, timestamp=at)
        return True

    @event(Withdrawn)
    def _withdrawn(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.status = Status.WITHDRAWN.value
        self.end_reason = reason

"""Use cases: a regulator's triage of a public report, within its jurisdiction (rule 17)."""

from __future__ import annotations

from domain.candidacy import Candidacy
from domain.complaint import ComplainantKind, Complaint
from domain.errors import InvalidInput
from domain.jurisdiction import check_jurisdiction, credit_code_region
from domain.report import PersonalData, Report, TargetKind
from domain.values import Actor
from registry.base import Receipt
from registry.cases.reports import ReportCases
from registry.cases.titles import TitleCases
from registry.permissions import check_role

REPORTS = "reports"


class TriageCases(TitleCases, ReportCases):
    """A regulator deals with an open report: unfounded (a reason the reporter reads), or a
    complaint opened from it (linked both ways). Either lifts the report's hold on an award."""

    def _check_report_jurisdiction(self, actor: Actor, report: Report) -> Candidacy | None:
        """The reported candidacy (None for an enterprise), once the regulator's region is
        found to cover the report: a leader's list's region, or the enterprise's own."""
        candidacy = None
        if report.target_kind == TargetKind.CANDIDACY:
            candidacy = self.load(Candidacy, report.target, "candidacy")
            region = candidacy.scheme_region
        else:
            region = credit_code_region(report.target)
        check_jurisdiction(self.jurisdiction(actor), region, REPORTS)
        return candidacy

    def report_personal_data(self, actor: Actor, report_id: str) -> PersonalData:
        """A regulator reads a report's personal data only within its jurisdiction."""
        self._check_regulator_scope(actor, report_id)
        return super().report_personal_data(actor, report_id)

    def erase_report_personal_data(self, actor: Actor, report_id: str, *, reason: str) -> Receipt:
        """A regulator erases a report's personal data only within its jurisdiction (an
        administrator anywhere)."""
        self._check_regulator_scope(actor, report_id)
        return super().erase_report_personal_data(actor, report_id, reason=reason)

    def _check_regulator_scope(self, actor: Actor, report_id: str) -> None:
        if actor.role == "regulator":
            report = self.load(Report, report_id, "report", to_change=False)
            self._check_report_jurisdiction(actor, report)

    def dismiss_report(
        self, actor: Actor, report_id: str, *, reason: str, expected_version: int | None = None
    ) -> Receipt:
        """Triage a report as unfounded; `reason` is what its reporter reads when following it."""
        check_role(actor, "dismiss_report")
        report = self.load(Report, report_id, "report", expected_version)
        candidacy = self._check_report_jurisdiction(actor, report)
        now = self.now()
        report.close(outcome=reason, actor=actor, at=now)
        if candidacy is not None:
            candidacy.report_dealt_with(report=report, actor=actor, at=now)
        return self.commit(report, candidacy)

    def open_complaint_from_report(
        self,
        actor: Actor,
        report_id: str,
        *,
        complainant_kind: str = ComplainantKind.CONSUMER.value,
        candidacy_id: str | None = None,
        expected_version: int | None = None,
    ) -> Receipt:
        """File a complaint from the report (its grounds, description and evidence) against
        the reported leader, or, for a report about an enterprise, against `candidacy_id`,
        one of that enterprise's; answers the complaint's id."""
        check_role(actor, "open_complaint_from_report")
        report = self.load(Report, report_id, "report", expected_version)
        candidacy = self._check_report_jurisdiction(actor, report)
        if candidacy is None:
            if candidacy_id is None:
                raise InvalidInput(
                    "a report about an enterprise needs the candidacy to complain about",
                    field="candidacy_id",
                )
            candidacy = self.load(Candidacy, candidacy_id, "candidacy")
            if candidacy.enterprise.credit_code != report.target:
                raise InvalidInput(
                    "the candidacy is not the reported enterprise's", field="candidacy_id"
                )
            check_jurisdiction(self.jurisdiction(actor), candidacy.scheme_region, REPORTS)
        elif candidacy_id is not None and candidacy_id != str(candidacy.id):
            raise InvalidInput("the report is about another candidacy", field="candidacy_id")
        now = self.now()
        complaint = Complaint.file(
            candidacy_id=candidacy.id,
            complainant_kind=complainant_kind,
            grounds=report.grounds,
            description=report.description,
            evidence=report.evidence,
            actor=actor,
            at=now,
            report_id=report.id,
        )
        candidacy.complaint_filed(complaint_id=complaint.id, actor=actor, at=now)
        report.complaint_opened(complaint_id=complaint.id, actor=actor, at=now)
        candidacy.report_dealt_with(report=report, actor=actor, at=now)
        return self.commit(complaint, candidacy, report)

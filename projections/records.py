"""Current state of bodies, categories, declarations, schemes, complaints, access grants and
public reports (the last for the regulator's desk alone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table

from domain.access_grant import AccessGrant
from domain.category import Category
from domain.complaint import Complaint
from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.jurisdiction import credit_code_region
from domain.report import COMPLAINT_OPENED, Report, ReportStatus, TargetKind
from domain.scheme import Scheme
from projections.machinery.base import Projection, on
from projections.machinery.encoding import plain
from projections.machinery.rows import Rows
from projections.tables import (
    bodies,
    categories,
    complaints,
    declarations,
    grants,
    reports,
    schemes,
)


def _set(rows: Rows, table: Table, event: Any, **values: Any) -> None:
    """Update one row from an event, always advancing its version."""
    values["version"] = event.originator_version
    rows.update(table, str(event.originator_id), **values)


def _declaration_content(e: Declaration.Declared | Declaration.Revised) -> dict[str, Any]:
    return {
        "title": e.title,
        "product_name": e.product.name,
        "product_model": e.product.model,
        "category": e.product.category,
        "indicators": plain(e.indicators),
        "disclosed_on": e.disclosed_on.isoformat(),
    }


def _body_change(
    e: EvaluationBody.Suspended | EvaluationBody.Reinstated | EvaluationBody.CategoriesChanged,
    kind: str,
    **categories: Callable[[list[str]], list[str]],
) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """The body's `changes` with this one added, a function of its row as it was (for a
    change of categories: the new ones, and `before` them)."""

    def added(row: dict[str, Any]) -> list[dict[str, Any]]:
        change: dict[str, Any] = {"kind": kind, "at": e.timestamp.isoformat(), "reason": e.reason}
        change.update({key: of(list(row["categories"])) for key, of in categories.items()})
        return [*(row["changes"] or []), change]

    return added


class Records(Projection):
    """One row per body, category, declaration, scheme, complaint, access grant and report."""

    name = "records"
    uses_rows = True
    tables = (bodies, categories, declarations, schemes, complaints, grants, reports)

    @on(EvaluationBody.Registered)
    def registered(self, rows: Rows, e: EvaluationBody.Registered, position: int) -> None:
        rows.insert(
            bodies,
            dict(
                id=str(e.originator_id),
                name=e.name,
                kind=e.kind,
                categories=list(e.categories),
                status="registered",
                registered_at=e.timestamp,
                version=e.originator_version,
                changes=[],
            ),
        )

    @on(EvaluationBody.Suspended)
    def body_suspended(self, rows: Rows, e: EvaluationBody.Suspended, position: int) -> None:
        _set(rows, bodies, e, status="suspended", changes=_body_change(e, "suspended"))

    @on(EvaluationBody.Reinstated)
    def body_reinstated(self, rows: Rows, e: EvaluationBody.Reinstated, position: int) -> None:
        _set(rows, bodies, e, status="registered", changes=_body_change(e, "reinstated"))

    @on(EvaluationBody.CategoriesChanged)
    def body_categories_changed(
        self, rows: Rows, e: EvaluationBody.CategoriesChanged, position: int
    ) -> None:
        change = _body_change(
            e, "categories_changed", categories=lambda row: list(e.categories), before=list
        )
        _set(rows, bodies, e, categories=list(e.categories), changes=change)

    @on(Category.Defined)
    def category_defined(self, rows: Rows, e: Category.Defined, position: int) -> None:
        rows.insert(
            categories,
            dict(
                id=str(e.originator_id),
                code=e.code,
                name_zh=e.name_zh,
                name_en=e.name_en,
                defined_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    @on(Category.Renamed)
    def category_renamed(self, rows: Rows, e: Category.Renamed, position: int) -> None:
        _set(rows, categories, e, name_zh=e.name_zh, name_en=e.name_en, renamed_at=e.timestamp)

    @on(Declaration.Declared)
    def declared(self, rows: Rows, e: Declaration.Declared, position: int) -> None:
        rows.insert(
            declarations,
            dict(
                id=str(e.originator_id),
                credit_code=e.enterprise.credit_code,
                enterprise_name=e.enterprise.name,
                region=e.enterprise.region,
                standard_number=e.standard_number,
                revision=1,
                status="active",
                withdrawal_reason="",
                declared_at=e.timestamp,
                version=e.originator_version,
                **_declaration_content(e),
            ),
        )

    @on(Declaration.Revised)
    def revised(self, rows: Rows, e: Declaration.Revised, position: int) -> None:
        _set(rows, declarations, e, revision=e.revision, **_declaration_content(e))

    @on(Declaration.Withdrawn)
    def withdrawn(self, rows: Rows, e: Declaration.Withdrawn, position: int) -> None:
        _set(rows, declarations, e, status="withdrawn", withdrawal_reason=e.reason)

    @on(Declaration.TitleAwarded)
    def title_awarded(self, rows: Rows, e: Declaration.TitleAwarded, position: int) -> None:
        _set(rows, declarations, e)  # the title is the candidacy's: only the version moves

    @on(Scheme.Drafted)
    def drafted(self, rows: Rows, e: Scheme.Drafted, position: int) -> None:
        rows.insert(
            schemes,
            dict(
                id=str(e.originator_id),
                body_id=str(e.body_id),
                title=e.title,
                category=e.category,
                cycle=e.cycle,
                level=e.level,
                region=e.region,
                status="draft",
                indicators=plain(e.indicators),
                top_n=e.top_n,
                top_share=str(e.top_share) if e.top_share is not None else None,
                publicity_days=e.publicity_days,
                validity_days=e.validity_days,
                candidates=0,
                rejection_reason="",
                drafted_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    @on(Scheme.Approved)
    def approved(self, rows: Rows, e: Scheme.Approved, position: int) -> None:
        _set(rows, schemes, e, status="approved", reviewed_at=e.timestamp)

    @on(Scheme.Rejected)
    def rejected(self, rows: Rows, e: Scheme.Rejected, position: int) -> None:
        _set(
            rows, schemes, e, status="rejected", reviewed_at=e.timestamp, rejection_reason=e.reason
        )

    @on(Scheme.CandidateEntered)
    def candidate_entered(self, rows: Rows, e: Scheme.CandidateEntered, position: int) -> None:
        _set(rows, schemes, e, candidates=lambda row: row["candidates"] + 1)

    @on(Scheme.RankingPublished)
    def ranking_published(self, rows: Rows, e: Scheme.RankingPublished, position: int) -> None:
        _set(
            rows,
            schemes,
            e,
            status="ranked",
            ranked_at=e.timestamp,
            publicity_ends_at=e.publicity_ends_at,
            ranked_count=e.ranked,
            qualified_count=len(e.qualified_ids),
        )

    @on(Scheme.Awarded)
    def awarded(self, rows: Rows, e: Scheme.Awarded, position: int) -> None:
        _set(rows, schemes, e, status="awarded", awarded_at=e.timestamp, valid_until=e.valid_until)

    @on(Complaint.Filed)
    def filed(self, rows: Rows, e: Complaint.Filed, position: int) -> None:
        rows.insert(
            complaints,
            dict(
                id=str(e.originator_id),
                candidacy_id=str(e.candidacy_id),
                complainant_kind=e.complainant_kind,
                grounds=e.grounds,
                description=e.description,
                evidence=list(e.evidence),
                status="filed",
                findings="",
                statement="",
                report_id=str(e.report_id) if e.report_id else None,
                filed_by_role=e.actor.role,
                filed_by_subject=e.actor.subject,
                filed_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    @on(Complaint.InvestigationStarted)
    def investigating(self, rows: Rows, e: Complaint.InvestigationStarted, position: int) -> None:
        _set(
            rows,
            complaints,
            e,
            status="investigating",
            investigated_by_role=e.actor.role,
            investigated_by_subject=e.actor.subject,
            investigated_at=e.timestamp,
        )

    @on(Complaint.Answered)
    def answered(self, rows: Rows, e: Complaint.Answered, position: int) -> None:
        _set(rows, complaints, e, statement=e.statement, answered_at=e.timestamp)

    @on(Complaint.Upheld, Complaint.Dismissed)
    def decided(self, rows: Rows, e: Complaint.Upheld | Complaint.Dismissed, position: int) -> None:
        _set(
            rows,
            complaints,
            e,
            status="upheld" if isinstance(e, Complaint.Upheld) else "dismissed",
            findings=e.findings,
            decided_by_role=e.actor.role,
            decided_by_subject=e.actor.subject,
            decided_at=e.timestamp,
        )

    @on(Report.Received)
    def report_received(self, rows: Rows, e: Report.Received, position: int) -> None:
        about_enterprise = e.target_kind == TargetKind.ENTERPRISE
        rows.insert(
            reports,
            dict(
                id=str(e.originator_id),
                target_kind=e.target_kind,
                target=e.target,
                candidacy_id=str(e.candidacy_id) if e.candidacy_id else None,
                region=credit_code_region(e.target) if about_enterprise else None,
                grounds=e.grounds,
                description=e.description,
                evidence=list(e.evidence),
                status=ReportStatus.FOLDED.value if e.duplicate_of else ReportStatus.RECEIVED.value,
                duplicate_of=str(e.duplicate_of) if e.duplicate_of else None,
                outcome="",
                received_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    @on(Report.Closed)
    def report_closed(self, rows: Rows, e: Report.Closed, position: int) -> None:
        """Triaged as unfounded (or otherwise dealt with): the outcome its reporter reads."""
        _set(
            rows,
            reports,
            e,
            status=ReportStatus.CLOSED.value,
            outcome=e.outcome,
            dealt_at=e.timestamp,
            dealt_by_subject=e.actor.subject,
        )

    @on(Report.ComplaintOpened)
    def report_complained(self, rows: Rows, e: Report.ComplaintOpened, position: int) -> None:
        _set(
            rows,
            reports,
            e,
            status=ReportStatus.CLOSED.value,
            outcome=f"{COMPLAINT_OPENED} {e.complaint_id}",
            complaint_id=str(e.complaint_id),
            dealt_at=e.timestamp,
            dealt_by_subject=e.actor.subject,
        )

    @on(Report.PersonalDataErased)
    def report_erased(self, rows: Rows, e: Report.PersonalDataErased, position: int) -> None:
        _set(rows, reports, e)  # nothing of it is here; the version moves on

    @on(AccessGrant.Granted)
    def granted(self, rows: Rows, e: AccessGrant.Granted, position: int) -> None:
        rows.insert(
            grants,
            dict(
                id=str(e.originator_id),
                credential_id=e.credential_id,
                role=e.role,
                subject=e.subject,
                issued_at=e.issued_at or e.timestamp,
                issued_by_role=(e.issued_by or e.actor).role,
                issued_by_subject=(e.issued_by or e.actor).subject,
                expires_at=e.expires_at,
                replaces=e.replaces or None,
                version=e.originator_version,
            ),
        )

    @on(AccessGrant.Revoked)
    def grant_revoked(self, rows: Rows, e: AccessGrant.Revoked, position: int) -> None:
        _set(
            rows,
            grants,
            e,
            revoked_at=e.revoked_at or e.timestamp,
            revoked_by_role=(e.revoked_by or e.actor).role,
            revoked_by_subject=(e.revoked_by or e.actor).subject,
            revocation_reason=e.reason,
        )

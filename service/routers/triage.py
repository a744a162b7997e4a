"""A regulator's triage of a public report: unfounded, or a complaint opened from it."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.consistency import CommandsDep
from service.preconditions import IfMatch
from service.problems import WRITE_ERRORS
from service.schemas.common import ReceiptOut
from service.schemas.desk import ComplaintFromReport, Unfounded

router = APIRouter(prefix="/v1", tags=["reports"], responses=WRITE_ERRORS)


@router.post(
    "/reports/{report_id}/dismissal", response_model=ReceiptOut, operation_id="dismiss_report"
)
async def dismiss_report(
    report_id: str, payload: Unfounded, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Triage an open report as unfounded (a regulator of its region); the reason is what
    the reporter reads when following the report. A hold on an award is lifted."""
    receipt = await commands.run(
        commands.registry.dismiss_report, report_id, reason=payload.reason, expected_version=version
    )
    return ReceiptOut(**receipt)


@router.post(
    "/reports/{report_id}/complaint",
    status_code=201,
    response_model=ReceiptOut,
    operation_id="open_complaint_from_report",
)
async def open_complaint_from_report(
    report_id: str,
    payload: ComplaintFromReport,
    commands: CommandsDep,
    response: Response,
    version: IfMatch,
) -> ReceiptOut:
    """Open a complaint from an open report (its grounds, description and evidence) against
    the reported leader, or, for a report about an enterprise, against `candidacy_id`; the
    answer's id is the complaint's. The report shows the complaint, the complaint the report."""
    receipt = await commands.run(
        commands.registry.open_complaint_from_report,
        report_id,
        complainant_kind=payload.complainant_kind.value,
        candidacy_id=str(payload.candidacy_id) if payload.candidacy_id else None,
        expected_version=version,
    )
    response.headers["Location"] = f"/v1/complaints/{receipt['id']}"
    return ReceiptOut(**receipt)

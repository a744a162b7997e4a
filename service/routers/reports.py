"""Public reports: anyone files one (no account) and follows it with its secret; a
regulator reads its personal data; an administrator or a regulator erases it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from domain.errors import InvalidInput
from domain.report import PersonalData, TargetKind
from service.consistency import CommandsDep
from service.deps import ActorDep, RegistryDep, in_thread
from service.problems import READ_ERRORS, WRITE_ERRORS, problem_doc
from service.reporting import IdempotencyKey, check_size, file_public_report
from service.schemas.common import Reason, ReceiptOut
from service.schemas.reports import (
    FileReport,
    PersonalDataOut,
    ReportReceiptOut,
    ReportStatusOut,
)

router = APIRouter(prefix="/v1", tags=["reports"])

ANONYMOUS_ERRORS: dict[int | str, dict[str, Any]] = {
    413: problem_doc("The report is larger than the registry accepts"),
    422: problem_doc("The request is malformed or breaks a rule (the field is named)"),
    429: {
        **problem_doc("Too many reports from this address or about this target"),
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    },
    503: WRITE_ERRORS[503],
}
SecretHeader = Annotated[
    str,
    Header(
        alias="X-Report-Secret",
        description="The secret the report's receipt was answered with.",
        max_length=200,
    ),
]


@router.post(
    "/reports",
    status_code=201,
    response_model=ReportReceiptOut,
    operation_id="file_report",
    responses=ANONYMOUS_ERRORS,
    dependencies=[Depends(check_size)],  # before the body is validated
)
async def file_report(
    payload: FileReport, request: Request, response: Response, key: IdempotencyKey = None
) -> ReportReceiptOut:
    """Report a problem with a leader or an enterprise: anyone may, without a credential.
    Answers a receipt and a secret (shown once) to follow the report with, nothing else."""
    if (payload.candidacy_id is None) == (payload.credit_code is None):
        raise InvalidInput(
            "give a candidacy_id (a leader) or a credit_code (an enterprise), one of the two",
            field="candidacy_id",
        )
    if payload.candidacy_id is not None:
        kind, target = TargetKind.CANDIDACY.value, str(payload.candidacy_id)
    else:
        kind, target = TargetKind.ENTERPRISE.value, str(payload.credit_code)
    filed = await file_public_report(
        request,
        response,
        key=key,
        target_kind=kind,
        target=target,
        grounds=payload.grounds.value,
        description=payload.description,
        evidence=payload.evidence,
        personal=PersonalData(
            name=payload.contact.name,
            phone=payload.contact.phone,
            email=payload.contact.email,
            private=payload.private,
        ),
    )
    response.headers["Location"] = f"/v1/reports/{filed['id']}"
    response.headers["Cache-Control"] = "no-store"
    return ReportReceiptOut(receipt=filed["id"], secret=filed["secret"])


@router.get(
    "/reports/{receipt}",
    response_model=ReportStatusOut,
    operation_id="follow_report",
    responses={
        **READ_ERRORS,
        404: problem_doc("No report has this receipt, or the secret is not its own"),
    },
)
async def follow_report(
    receipt: str, secret: SecretHeader, request: Request, registry: RegistryDep, response: Response
) -> ReportStatusOut:
    """A report's status and public outcome, for whoever holds its secret."""
    view = await in_thread(request.app.state.threads, registry.follow_report, receipt, secret)
    response.headers["Cache-Control"] = "no-store"
    return ReportStatusOut(
        receipt=view.receipt,
        status=view.status,
        outcome=view.outcome,
        received_at=view.received_at,
        folded_into=view.folded_into,
        complaint_id=view.complaint_id,
    )


@router.get(
    "/reports/{report_id}/personal-data",
    response_model=PersonalDataOut,
    operation_id="report_personal_data",
    responses={**WRITE_ERRORS, 409: problem_doc("The report's personal data has been erased")},
)
async def report_personal_data(
    report_id: str, actor: ActorDep, request: Request, registry: RegistryDep, response: Response
) -> PersonalDataOut:
    """A report's contact details and private text: a regulator's read, while its key exists."""
    data = await in_thread(
        request.app.state.threads, registry.report_personal_data, actor, report_id
    )
    response.headers["Cache-Control"] = "no-store"
    return PersonalDataOut(name=data.name, phone=data.phone, email=data.email, private=data.private)


@router.post(
    "/reports/{report_id}/erasure",
    response_model=ReceiptOut,
    operation_id="erase_report_personal_data",
    responses=WRITE_ERRORS,
)
async def erase_report_personal_data(
    report_id: str, payload: Reason, commands: CommandsDep
) -> ReceiptOut:
    """Destroy the report's key: its personal data is unreadable by anyone from now on;
    the log and the audit tree stay as they were."""
    receipt = await commands.run(
        commands.registry.erase_report_personal_data, report_id, reason=payload.reason
    )
    return ReceiptOut(**receipt)

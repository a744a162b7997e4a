"""Writes: complaints, their decisions, and revocation of titles."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.consistency import CommandsDep
from service.preconditions import IfMatch
from service.problems import WRITE_ERRORS
from service.schemas.common import Reason, ReceiptOut
from service.schemas.titles import AnswerComplaint, DecideComplaint, FileComplaint

router = APIRouter(prefix="/v1", tags=["complaints"], responses=WRITE_ERRORS)


@router.post(
    "/complaints", status_code=201, response_model=ReceiptOut, operation_id="file_complaint"
)
async def file_complaint(
    payload: FileComplaint, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """File a complaint against a publicised or awarded candidacy."""
    receipt = await commands.run(
        commands.registry.file_complaint,
        candidacy_id=str(payload.candidacy_id),
        complainant_kind=payload.complainant_kind.value,
        grounds=payload.grounds.value,
        description=payload.description,
        evidence=payload.evidence,
    )
    response.headers["Location"] = f"/v1/complaints/{receipt['id']}"
    return ReceiptOut(**receipt)


@router.post(
    "/complaints/{complaint_id}/investigation",
    response_model=ReceiptOut,
    operation_id="investigate_complaint",
)
async def investigate_complaint(
    complaint_id: str, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Start the investigation of an open complaint (a regulator of its list's region)."""
    receipt = await commands.run(
        commands.registry.investigate_complaint, complaint_id, expected_version=version
    )
    return ReceiptOut(**receipt)


@router.post(
    "/complaints/{complaint_id}/statement",
    response_model=ReceiptOut,
    operation_id="answer_complaint",
)
async def answer_complaint(
    complaint_id: str,
    payload: AnswerComplaint,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """The enterprise's statement in answer to an open complaint about its own title (once)."""
    receipt = await commands.run(
        commands.registry.answer_complaint,
        complaint_id,
        statement=payload.statement,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/complaints/{complaint_id}/decision",
    response_model=ReceiptOut,
    operation_id="decide_complaint",
)
async def decide_complaint(
    complaint_id: str,
    payload: DecideComplaint,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Decide a complaint; an upheld complaint of nonconformity or fraud revokes the title."""
    receipt = await commands.run(
        commands.registry.decide_complaint,
        complaint_id,
        upheld=payload.upheld,
        findings=payload.findings,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/candidacies/{candidacy_id}/revocation",
    response_model=ReceiptOut,
    operation_id="revoke_title",
)
async def revoke_title(
    candidacy_id: str,
    payload: Reason,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Revoke a title and publish the revocation with its reason."""
    receipt = await commands.run(
        commands.registry.revoke_title,
        candidacy_id,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)

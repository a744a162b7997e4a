"""Writes: evaluation bodies and credentials (administrators)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.consistency import CommandsDep
from service.deps import ActorDep
from service.problems import WRITE_ERRORS
from service.schemas.access import IssueCredential, RegisterBody
from service.schemas.common import CredentialReceiptOut, Reason, ReceiptOut

router = APIRouter(prefix="/v1", tags=["access"], responses=WRITE_ERRORS)


@router.post(
    "/evaluation-bodies",
    status_code=201,
    response_model=ReceiptOut,
    operation_id="register_evaluation_body",
)
async def register_evaluation_body(
    payload: RegisterBody, actor: ActorDep, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """Register a third-party evaluation body with its accredited categories."""
    receipt = await commands.run(
        commands.registry.register_body,
        actor,
        name=payload.name,
        kind=payload.kind.value,
        categories=payload.categories,
    )
    response.headers["Location"] = f"/v1/evaluation-bodies/{receipt['id']}"
    return ReceiptOut(**receipt)


@router.post(
    "/evaluation-bodies/{body_id}/suspension",
    response_model=ReceiptOut,
    operation_id="suspend_evaluation_body",
)
async def suspend_evaluation_body(
    body_id: str, payload: Reason, actor: ActorDep, commands: CommandsDep
) -> ReceiptOut:
    """Suspend an evaluation body; it may then do nothing."""
    receipt = await commands.run(
        commands.registry.suspend_body, actor, body_id, reason=payload.reason
    )
    return ReceiptOut(**receipt)


@router.post(
    "/credentials",
    status_code=201,
    response_model=CredentialReceiptOut,
    operation_id="issue_credential",
)
async def issue_credential(
    payload: IssueCredential, actor: ActorDep, commands: CommandsDep
) -> CredentialReceiptOut:
    """Issue a bearer token for a role and subject; the token is shown only in this answer."""
    receipt = await commands.run(
        commands.registry.issue_credential,
        actor,
        role=payload.role,
        subject=payload.subject,
        label=payload.label,
        expires_at=payload.expires_at,
    )
    return CredentialReceiptOut(**receipt)


@router.post(
    "/credentials/{credential_id}/revocation",
    response_model=ReceiptOut,
    operation_id="revoke_credential",
)
async def revoke_credential(
    credential_id: str, actor: ActorDep, commands: CommandsDep
) -> ReceiptOut:
    """Revoke a credential; its token stops working at once."""
    receipt = await commands.run(commands.registry.revoke_credential, actor, credential_id)
    return ReceiptOut(**receipt)

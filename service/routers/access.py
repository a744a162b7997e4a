"""Evaluation bodies and credentials (administrators): writes, and the private credential list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from domain.values import Actor
from projections import credential_queries
from registry.permissions import check_role
from service.consistency import CommandsDep, ReadConn
from service.deps import ActorDep, RegistryDep
from service.preconditions import IfMatch
from service.problems import WRITE_ERRORS
from service.schemas.access import (
    ChangeBodyCategories,
    CredentialPage,
    IssuableRole,
    IssueCredential,
    RegisterBody,
)
from service.schemas.common import MAX_POSITION, CredentialReceiptOut, Name, Reason, ReceiptOut

router = APIRouter(prefix="/v1", tags=["access"], responses=WRITE_ERRORS)

# Answers that carry a token, or who holds which role, must not be kept by any cache.
NO_STORE = "no-store"


@router.post(
    "/evaluation-bodies",
    status_code=201,
    response_model=ReceiptOut,
    operation_id="register_evaluation_body",
)
async def register_evaluation_body(
    payload: RegisterBody, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """Register a third-party evaluation body with its accredited categories."""
    receipt = await commands.run(
        commands.registry.register_body,
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
    body_id: str, payload: Reason, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Suspend an evaluation body; it may then do nothing."""
    receipt = await commands.run(
        commands.registry.suspend_body,
        body_id,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/evaluation-bodies/{body_id}/reinstatement",
    response_model=ReceiptOut,
    operation_id="reinstate_evaluation_body",
)
async def reinstate_evaluation_body(
    body_id: str, payload: Reason, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Reinstate a suspended evaluation body; it may act again within its categories."""
    receipt = await commands.run(
        commands.registry.reinstate_body,
        body_id,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/evaluation-bodies/{body_id}/categories",
    response_model=ReceiptOut,
    operation_id="change_evaluation_body_categories",
)
async def change_evaluation_body_categories(
    body_id: str, payload: ChangeBodyCategories, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Replace the categories a body is accredited for, with the reason; in a category it
    loses it may no longer act (titles it awarded stay as they are)."""
    receipt = await commands.run(
        commands.registry.change_body_categories,
        body_id,
        categories=payload.categories,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/credentials",
    status_code=201,
    response_model=CredentialReceiptOut,
    operation_id="issue_credential",
)
async def issue_credential(
    payload: IssueCredential, commands: CommandsDep, response: Response
) -> CredentialReceiptOut:
    """Issue a bearer token for a role and subject; the token is shown only in this answer."""
    response.headers["Cache-Control"] = NO_STORE
    receipt = await commands.run(
        commands.registry.issue_credential,
        role=payload.role,
        subject=payload.subject,
        label=payload.label,
        expires_at=payload.expires_at,
        region=payload.region or "",
    )
    return CredentialReceiptOut(**receipt)


@router.post(
    "/credentials/{credential_id}/revocation",
    response_model=ReceiptOut,
    operation_id="revoke_credential",
)
async def revoke_credential(
    credential_id: str, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Revoke a credential; its token stops working at once."""
    receipt = await commands.run(
        commands.registry.revoke_credential, credential_id, expected_version=version
    )
    return ReceiptOut(**receipt)


@router.post(
    "/credentials/{credential_id}/rotation",
    status_code=201,
    response_model=CredentialReceiptOut,
    operation_id="rotate_credential",
)
async def rotate_credential(
    credential_id: str,
    commands: CommandsDep,
    response: Response,
    version: IfMatch,
) -> CredentialReceiptOut:
    """Replace a credential by a new one with the same role, subject, label and expiry.

    The old token stops working at once; the new token is shown only in this answer, and
    the new credential records which one it replaced."""
    response.headers["Cache-Control"] = NO_STORE
    receipt = await commands.run(
        commands.registry.rotate_credential, credential_id, expected_version=version
    )
    return CredentialReceiptOut(**receipt)


async def credentials_reader(actor: ActorDep) -> Actor:
    """The actor, if it may list credentials (checked before any read-model work)."""
    check_role(actor, "list_credentials")
    return actor


@router.get("/credentials", response_model=CredentialPage, operation_id="list_credentials")
async def list_credentials(
    actor: Annotated[Actor, Depends(credentials_reader)],
    conn: ReadConn,
    registry: RegistryDep,
    response: Response,
    role: IssuableRole | None = None,
    subject: Annotated[Name | None, Query()] = None,
    include_revoked: Annotated[
        bool, Query(description="Also list revoked (and rotated) credentials.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
) -> dict[str, Any]:
    """The issued credentials, newest first (administrators only).

    Each shows its role, subject, label, status, creation, expiry, last use and rotation
    links; never a token or its hash. Revoked credentials only with `include_revoked`."""
    response.headers["Cache-Control"] = NO_STORE
    return await credential_queries.list_credentials(
        conn,
        now=registry.now(),
        role=role,
        subject=subject,
        include_revoked=include_revoked,
        limit=limit,
        offset=offset,
    )

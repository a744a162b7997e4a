"""Writes: enterprises (or the national platform's feed) declare their standards."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.consistency import CommandsDep
from service.preconditions import IfMatch
from service.problems import WRITE_ERRORS
from service.schemas.common import Reason, ReceiptOut
from service.schemas.declarations import Declare, Revise

router = APIRouter(prefix="/v1/declarations", tags=["declarations"], responses=WRITE_ERRORS)


@router.post("", status_code=201, response_model=ReceiptOut, operation_id="declare_standard")
async def declare_standard(
    payload: Declare, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """Publicly declare an enterprise standard with its core indicator values."""
    receipt = await commands.run(
        commands.registry.declare,
        enterprise=payload.enterprise.to_domain(),
        standard_number=payload.standard_number,
        title=payload.title,
        product=payload.product.to_domain(),
        indicators=payload.indicators,
        disclosed_on=payload.disclosed_on,
        committed=payload.commitment,
    )
    response.headers["Location"] = f"/v1/declarations/{receipt['id']}"
    return ReceiptOut(**receipt)


@router.post(
    "/{declaration_id}/revisions", response_model=ReceiptOut, operation_id="revise_declaration"
)
async def revise_declaration(
    declaration_id: str,
    payload: Revise,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Record a new version of a declared standard."""
    receipt = await commands.run(
        commands.registry.revise_declaration,
        declaration_id,
        title=payload.title,
        product=payload.product.to_domain(),
        indicators=payload.indicators,
        disclosed_on=payload.disclosed_on,
        committed=payload.commitment,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/{declaration_id}/withdrawal", response_model=ReceiptOut, operation_id="withdraw_declaration"
)
async def withdraw_declaration(
    declaration_id: str,
    payload: Reason,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Withdraw a declared standard: it can no longer compete, and each title it holds in
    force ends at once as `withdrawn` (published on the notice board)."""
    receipt = await commands.run(
        commands.registry.withdraw_declaration,
        declaration_id,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)

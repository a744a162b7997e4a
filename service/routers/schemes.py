"""Writes: schemes are drafted, reviewed, filled with candidates, evaluated, ranked, awarded."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.consistency import CommandsDep
from service.preconditions import IfMatch
from service.problems import WRITE_ERRORS
from service.schemas.common import ReceiptOut
from service.schemas.schemes import DraftScheme, EnterCandidate, Evaluate, ReviewScheme

router = APIRouter(prefix="/v1", tags=["schemes"], responses=WRITE_ERRORS)


@router.post("/schemes", status_code=201, response_model=ReceiptOut, operation_id="draft_scheme")
async def draft_scheme(
    payload: DraftScheme, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """Draft the calling body's evaluation scheme for one category, list and cycle."""
    receipt = await commands.run(
        commands.registry.draft_scheme,
        title=payload.title,
        category=payload.category,
        cycle=payload.cycle,
        level=payload.level.value,
        region=payload.region,
        indicators=[indicator.to_domain() for indicator in payload.indicators],
        top_n=payload.top_n,
        top_share=payload.top_share,
        publicity_days=payload.publicity_days,
        validity_days=payload.validity_days,
    )
    response.headers["Location"] = f"/v1/schemes/{receipt['id']}"
    return ReceiptOut(**receipt)


@router.post(
    "/schemes/{scheme_id}/approval", response_model=ReceiptOut, operation_id="review_scheme"
)
async def review_scheme(
    scheme_id: str,
    payload: ReviewScheme,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Approve a drafted scheme after expert review, or reject it with a reason."""
    receipt = await commands.run(
        commands.registry.review_scheme,
        scheme_id,
        approved=payload.approved,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/schemes/{scheme_id}/candidates",
    status_code=201,
    response_model=ReceiptOut,
    operation_id="enter_candidate",
)
async def enter_candidate(
    scheme_id: str,
    payload: EnterCandidate,
    commands: CommandsDep,
    response: Response,
    version: IfMatch,
) -> ReceiptOut:
    """Enter a declared standard of the scheme's category as a candidate."""
    receipt = await commands.run(
        commands.registry.enter_candidate,
        scheme_id,
        declaration_id=str(payload.declaration_id),
        expected_version=version,
    )
    response.headers["Location"] = f"/v1/candidacies/{receipt['id']}"
    return ReceiptOut(**receipt)


@router.post(
    "/candidacies/{candidacy_id}/evaluations",
    response_model=ReceiptOut,
    operation_id="evaluate_candidacy",
)
async def evaluate_candidacy(
    candidacy_id: str,
    payload: Evaluate,
    commands: CommandsDep,
    version: IfMatch,
) -> ReceiptOut:
    """Record a candidate's verified indicator values, or exclude it with a reason."""
    receipt = await commands.run(
        commands.registry.evaluate,
        candidacy_id,
        values=payload.values,
        units=payload.units,
        exclusion_reason=payload.reason if payload.excluded else None,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.post(
    "/schemes/{scheme_id}/ranking", response_model=ReceiptOut, operation_id="publish_ranking"
)
async def publish_ranking(scheme_id: str, commands: CommandsDep, version: IfMatch) -> ReceiptOut:
    """Rank the evaluated candidates and open the publicity window for the qualified ones."""
    receipt = await commands.run(
        commands.registry.publish_ranking, scheme_id, expected_version=version
    )
    return ReceiptOut(**receipt)


@router.post("/schemes/{scheme_id}/awards", response_model=ReceiptOut, operation_id="award_titles")
async def award_titles(scheme_id: str, commands: CommandsDep, version: IfMatch) -> ReceiptOut:
    """Award the publicised candidates once the publicity window has closed."""
    receipt = await commands.run(commands.registry.award, scheme_id, expected_version=version)
    return ReceiptOut(**receipt)

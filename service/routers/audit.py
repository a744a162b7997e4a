"""The verifiable log (docs/audit.md): checkpoints, keys, proofs and the export. All public
but signing a checkpoint on demand, which needs an administrator."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from projections.audit import queries as audit_queries
from projections.audit.export import export_chunks, export_page
from registry.base import Idempotency
from registry.permissions import check_role
from service.consistency import HEADER as CONSISTENCY_HEADER
from service.consistency import ReadConn, idempotency
from service.deps import ActorDep, ReadSideDep, RegistryDep, SettingsDep
from service.problems import NO_SIGNING_KEY, NOT_FOUND, READ_ERRORS, WRITE_ERRORS
from service.schemas.audit import (
    CheckpointOut,
    CheckpointPage,
    ConsistencyProofOut,
    InclusionProofOut,
    KeyOut,
)
from service.schemas.common import MAX_POSITION

CHECKPOINT_RESULT = "checkpoint:"  # an Idempotency-Key's result: the tree size it signed

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=READ_ERRORS)

JSON_LINES = "application/jsonl"
Size = Annotated[int, Query(ge=1, le=MAX_POSITION)]
MAX_EXPORT_PAGE = 1000  # lines per export page: a request's memory stays small
# A page whose leaves are all inside a signed tree never changes (until the leaf format
# does, which rebuilds the tree): shared caches may keep it for a day.
SIGNED_PAGE = "public, max-age=86400, immutable"
UNSIGNED_PAGE = "no-cache"  # it grows while the tree does


class JSONLinesResponse(Response):
    media_type = JSON_LINES


@router.get("/checkpoints", response_model=CheckpointPage, operation_id="list_checkpoints")
async def list_checkpoints(
    conn: ReadConn,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="Only larger trees.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Signed checkpoints, smallest tree first; page with `after` = the last tree size seen."""
    return await audit_queries.checkpoints(conn, after=after, limit=limit)


@router.get(
    "/checkpoints/latest",
    response_model=CheckpointOut,
    operation_id="get_latest_checkpoint",
    responses=NOT_FOUND,
)
async def get_latest_checkpoint(conn: ReadConn) -> dict[str, Any]:
    """The checkpoint of the largest tree signed so far."""
    return await audit_queries.latest_checkpoint(conn)


@router.post(
    "/checkpoints",
    status_code=201,
    response_model=CheckpointOut,
    operation_id="sign_checkpoint",
    responses={401: WRITE_ERRORS[401], 403: WRITE_ERRORS[403], **NO_SIGNING_KEY},
)
async def sign_checkpoint(
    actor: ActorDep,
    registry: RegistryDep,
    read_side: ReadSideDep,
    settings: SettingsDep,
    response: Response,
    key: Annotated[Idempotency | None, Depends(idempotency)],
) -> dict[str, Any]:
    """Sign a checkpoint now, once the tree includes the log as it is (administrators)."""
    check_role(actor, "sign_checkpoint")
    if key is not None:  # a retry answers with the checkpoint the key first got
        first = await run_in_threadpool(registry.first_result, key)
        if first is not None:
            size = int(first.removeprefix(CHECKPOINT_RESULT))
            return await run_in_threadpool(read_side.checkpoints.sign, registry.now(), size)
    head: int | None = await run_in_threadpool(registry.recorder.max_notification_id)
    if not await read_side.wait_for(head or 0, settings.consistency_timeout):
        # The tree is behind the log: the checkpoint covers a shorter prefix (its tree_size).
        response.headers[CONSISTENCY_HEADER] = "pending"
    signed = await run_in_threadpool(read_side.checkpoints.sign, registry.now())
    if key is None:
        return signed
    result = f"{CHECKPOINT_RESULT}{signed['tree_size']}"
    first = await run_in_threadpool(registry.remember_result, key, result)
    if first == result:
        return signed
    size = int(first.removeprefix(CHECKPOINT_RESULT))
    return await run_in_threadpool(read_side.checkpoints.sign, registry.now(), size)


@router.get("/keys", response_model=list[KeyOut], operation_id="list_signing_keys")
async def list_signing_keys(conn: ReadConn) -> list[dict[str, Any]]:
    """The public keys checkpoints are signed with, current and retired."""
    return await audit_queries.keys(conn)


@router.get(
    "/proofs/inclusion",
    response_model=InclusionProofOut,
    operation_id="get_inclusion_proof",
    responses=NOT_FOUND,
)
async def get_inclusion_proof(
    conn: ReadConn,
    position: Annotated[int, Query(ge=1, le=MAX_POSITION, description="An event's position.")],
    tree_size: Size,
) -> dict[str, Any]:
    """Prove that the event at `position` is a leaf of the tree of `tree_size` leaves."""
    return await audit_queries.inclusion(conn, position=position, size=tree_size)


@router.get(
    "/proofs/consistency",
    response_model=ConsistencyProofOut,
    operation_id="get_consistency_proof",
)
async def get_consistency_proof(conn: ReadConn, first: Size, second: Size) -> dict[str, Any]:
    """Prove that the tree of `first` leaves is a prefix of the tree of `second` leaves."""
    return await audit_queries.consistency(conn, first=first, second=second)


@router.get(
    "/export",
    response_class=JSONLinesResponse,
    operation_id="export_event_log",
    responses={200: {"description": "One leaf per line", "content": {JSON_LINES: {}}}},
)
def export_event_log(
    registry: RegistryDep,
    read_side: ReadSideDep,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="Events after this.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EXPORT_PAGE)] = MAX_EXPORT_PAGE,
) -> Response:
    """The log's leaves in JSON Lines, as far as the tree goes: public events in full, private
    ones as their public header; page with `after` = the last position seen. A page wholly
    inside a signed checkpoint's tree is `Cache-Control: immutable`."""
    page = export_page(read_side.writer, after=after, limit=limit)
    cache_control = SIGNED_PAGE if page.signed else UNSIGNED_PAGE
    return StreamingResponse(
        export_chunks(registry, page),
        media_type=JSON_LINES,
        headers={"Cache-Control": cache_control},
    )

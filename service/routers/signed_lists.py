"""Signed lists: a scheme's leader list or ranking with its checkpoint and signature."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from domain.notes import b64
from projections import signed_lists
from projections.checkpoints import NoSigningKey, sign_now
from service.consistency import ReadConn
from service.deps import ReadSideDep, RegistryDep
from service.problems import NO_SIGNING_KEY, NOT_FOUND, READ_ERRORS
from service.schemas.audit import SignedListOut

router = APIRouter(prefix="/v1", tags=["audit"], responses=READ_ERRORS)


@router.get(
    "/schemes/{scheme_id}/signed-list",
    response_model=SignedListOut,
    operation_id="get_signed_list",
    responses={**NOT_FOUND, **NO_SIGNING_KEY},
)
async def get_signed_list(
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    read_side: ReadSideDep,
    kind: Annotated[Literal["leaders", "ranking"], Query(alias="list")] = "leaders",
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> dict[str, Any]:
    """A scheme's leader list (or ranking) as JSON or CSV, the checkpoint of the log it was
    read at, and a signed statement binding the two (docs/audit.md)."""
    signer = read_side.checkpoints.signer
    if signer is None:
        raise NoSigningKey("no checkpoint signing key is configured")
    now = registry.now()
    content, position, size = await signed_lists.read_list(conn, scheme_id, kind, fmt, now)
    # A public read publishes nothing: a checkpoint not yet stored is signed for this answer
    # only (administrators and the interval publish checkpoints).
    checkpoint = await run_in_threadpool(
        partial(sign_now, read_side.writer, signer, now, size, store=False)
    )
    at = {"position": position, "taken_at": now, "checkpoint": checkpoint}
    return {
        "scheme_id": scheme_id,
        "list": kind,
        "media_type": signed_lists.MEDIA_TYPES[fmt],
        "content": content.decode("utf-8"),
        "content_sha256": b64(hashlib.sha256(content).digest()),
        "log_position": position,
        "checkpoint": checkpoint,
        "statement": signed_lists.statement(signer, scheme_id, kind, fmt, content, at),
    }

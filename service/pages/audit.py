"""The audit page: the latest signed checkpoint, the signing keys, and how to verify the
log with them (what `/v1/audit/checkpoints/latest` and `/v1/audit/keys` answer)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from domain.errors import NotFound
from projections.audit import queries as audit_queries
from service.consistency import ReadConn
from service.pages.respond import html

router = APIRouter(include_in_schema=False)


@router.get("/audit")
async def audit(request: Request, conn: ReadConn) -> Response:
    """The checkpoint to trust, the keys that sign it, and the verifier's commands."""
    try:
        checkpoint = await audit_queries.latest_checkpoint(conn)
    except NotFound:
        checkpoint = None  # nothing signed yet: the page says so
    keys = await audit_queries.keys(conn)
    current = next((k for k in keys if k["status"] == "current"), None)
    return html(
        request,
        "audit.html",
        cached=False,  # a checkpoint signed is no event: the read cache would not see it
        checkpoint=checkpoint,
        keys=keys,
        tree_size=await audit_queries.tree_size(conn),
        base_url=str(request.base_url).rstrip("/"),
        vkey=current["vkey"] if current else "NAME+HASH+KEY",
    )

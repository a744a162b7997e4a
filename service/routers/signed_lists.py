"""Signed lists: a scheme's leader list or ranking with its checkpoint and signature."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from domain.errors import Conflict
from service.consistency import ReadConn
from service.deps import ReadSideDep, RegistryDep
from service.list_signatures import ListSignatures, SignedList
from service.problems import NO_SIGNING_KEY, NOT_FOUND, READ_ERRORS
from service.schemas.audit import SignedListOut

router = APIRouter(prefix="/v1", tags=["audit"], responses=READ_ERRORS)

Kind = Annotated[Literal["leaders", "ranking"], Query(alias="list")]
Format = Annotated[Literal["json", "csv"], Query(alias="format")]
SHA256 = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9+/]{43}=$",
        description="The content's SHA-256 (standard base64, URL-encoded) the statement "
        "must be for: the `Repr-Digest` of the download; 409 if the list has changed since.",
    ),
]

_B64 = {"schema": {"type": "string"}}
CSV_HEADERS = {
    "Content-Disposition": {"description": "attachment; filename=LIST-SCHEME_ID.csv", **_B64},
    "Registry-List-Statement": {"description": "base64 of the signed statement", **_B64},
    "Registry-List-Checkpoint": {"description": "base64 of the checkpoint's note", **_B64},
    "Registry-Log-Position": {"description": "the log position the list was read at", **_B64},
    "Repr-Digest": {"description": "sha-256=:BASE64: of the content (RFC 9530)", **_B64},
}


class ListChanged(Conflict):
    """The list no longer reads as the content the client names."""


async def get_signatures(request: Request) -> ListSignatures:
    """This app's signed list versions (made on first use)."""
    state = request.app.state
    found: ListSignatures | None = getattr(state, "list_signatures", None)
    if found is None:
        found = state.list_signatures = ListSignatures()
    return found


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def csv_download(signed: SignedList) -> Response:
    """The CSV's exact bytes, with its statement and checkpoint in the headers."""
    signature = signed.signature
    headers = {
        "Content-Disposition": f'attachment; filename="{signed.kind}-{signed.scheme_id}.csv"',
        "Registry-List-Statement": _b64(signature.statement),
        "Registry-List-Checkpoint": _b64(signature.checkpoint["note"]),
        "Registry-Log-Position": str(signature.log_position),
        "Repr-Digest": f"sha-256=:{signature.content_sha256}:",
    }
    return Response(signed.content, media_type=signed.media_type, headers=headers)


@router.get(
    "/schemes/{scheme_id}/signed-list",
    response_model=SignedListOut,
    operation_id="get_signed_list",
    responses={
        200: {
            "description": "JSON: the envelope below. CSV: the list's exact bytes, its signed "
            "statement and checkpoint in headers (docs/audit.md).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": CSV_HEADERS,
        },
        **NOT_FOUND,
        **NO_SIGNING_KEY,
    },
)
async def get_signed_list(
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    read_side: ReadSideDep,
    request: Request,
    kind: Kind = "leaders",
    fmt: Format = "json",
) -> Any:
    """A scheme's leader list (the titles in force) or ranking, signed. `format=json` answers
    the canonical JSON as text beside its checkpoint and signed statement; `format=csv`
    answers the CSV itself (`text/csv`), with the statement in `Registry-List-Statement` and
    at `signed-list.sig`."""
    signatures = await get_signatures(request)
    signed = await signatures.get(conn, read_side, scheme_id, kind, fmt, registry.now())
    return csv_download(signed) if fmt == "csv" else signed.envelope()


@router.get(
    "/schemes/{scheme_id}/signed-list.sig",
    response_class=PlainTextResponse,
    operation_id="get_signed_list_statement",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}
    | NOT_FOUND
    | NO_SIGNING_KEY,
)
async def get_signed_list_statement(
    scheme_id: str,
    conn: ReadConn,
    registry: RegistryDep,
    read_side: ReadSideDep,
    request: Request,
    kind: Kind = "leaders",
    fmt: Format = "json",
    content_sha256: SHA256 = None,
) -> PlainTextResponse:
    """The signed statement (a signed note, as text) of the list as it reads now: save it
    beside the downloaded list to verify the list offline (docs/audit.md)."""
    signatures = await get_signatures(request)
    signed = await signatures.get(conn, read_side, scheme_id, kind, fmt, registry.now())
    signature = signed.signature
    if content_sha256 is not None and content_sha256 != signature.content_sha256:
        raise ListChanged(
            "the list has changed since that content was read; download it again",
            field="content_sha256",
        )
    return PlainTextResponse(signature.statement, media_type="text/plain; charset=utf-8")

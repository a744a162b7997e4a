"""The public notice board: publicity windows open now, revocations, expiries and
supersessions, newest first (the programme's rule: cancel the title and publish it)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from projections.notices import NoticeKind, notices_page
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import READ_ERRORS
from service.routers.reads import answer
from service.schemas.notices import NoticePage
from service.schemas.pages import PageLimit, PageOffset

router = APIRouter(prefix="/v1", tags=["notices"], responses=READ_ERRORS)


@router.get("/notices", response_model=NoticePage, operation_id="list_notices")
async def list_notices(
    conn: ReadConn,
    registry: RegistryDep,
    kind: NoticeKind | None = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
    *,
    request: Request,
    response: Response,
) -> Response:
    """Notices of every kind (or of `kind`), newest first: publicity windows open now with
    their closing dates, titles revoked (with the reason), expired and superseded."""
    page, fresh_until = await notices_page(
        conn, now=registry.now(), kind=kind, limit=limit, offset=offset
    )
    # A window closes or a title expires by the clock alone: fresh until the first does.
    return answer(request, response, page, fresh_until=fresh_until, stamped=True)

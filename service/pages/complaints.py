"""The decided complaints page: their public fields (what `/v1/complaints` lists), paged."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from domain.complaint import ComplaintStatus
from projections.lists.complaints import complaint_item, complaints_select
from projections.lists.paging import page as list_page
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.pages.filters import PAGE_SIZE, BadFilter, page_number
from service.pages.paging import Pager
from service.pages.respond import html
from service.pages.routes import Text

router = APIRouter(include_in_schema=False)
OUTCOMES = (ComplaintStatus.UPHELD.value, ComplaintStatus.DISMISSED.value)


@router.get("/complaints")
async def complaints(
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    outcome: Text = None,
    page: Text = None,
) -> Response:
    """Decided complaints (or those of one outcome), newest filed first."""
    if outcome and outcome not in OUTCOMES:
        raise BadFilter("outcome")
    params = {"outcome": outcome} if outcome else {}
    number = page_number(page)
    query = complaints_select(now=registry.now(), status=outcome or None, decided=True)
    offset = (number - 1) * PAGE_SIZE
    items, total = await list_page(conn, query, complaint_item, limit=PAGE_SIZE, offset=offset)
    return html(
        request,
        "complaints.html",
        complaints=items,
        outcome=outcome or "",
        outcomes=OUTCOMES,
        pager=Pager("/complaints", number, total, PAGE_SIZE, params),
    )

"""An evaluation body's page: its accreditation and status, and its schemes, paged (what
`/v1/evaluation-bodies/{id}` and `/v1/schemes?body_id=` answer)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from projections import queries
from projections.as_of import period_at
from projections.category_names import names_of
from projections.lists.paging import page as list_page
from projections.lists.schemes import scheme_item, schemes_select
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.pages.filters import PAGE_SIZE, page_number
from service.pages.paging import Pager
from service.pages.respond import html
from service.pages.routes import Text

router = APIRouter(include_in_schema=False)
ID_LENGTH = 36  # a record id (a UUID): anything longer names no record


@router.get("/bodies/{body_id}")
async def body(
    request: Request, body_id: str, conn: ReadConn, registry: RegistryDep, page: Text = None
) -> Response:
    """One evaluation body and a page of its schemes, newest drafted first."""
    number = page_number(page)
    found = await queries.body(conn, body_id) if len(body_id) <= ID_LENGTH else None
    if found is None:
        raise HTTPException(404)
    now = registry.now()
    period = await period_at(conn, body_id, now)  # since when its status holds
    pager = Pager(f"/bodies/{body_id}", number, 0, PAGE_SIZE)
    query = schemes_select(now=now, body_id=body_id)
    schemes, total = await list_page(conn, query, scheme_item, limit=PAGE_SIZE, offset=pager.offset)
    codes = [*found["categories"], *(s["category"] for s in schemes)]
    return html(
        request,
        "body.html",
        body=found,
        status_since=period.began_at.isoformat() if period else None,
        schemes=schemes,
        category_names=await names_of(conn, codes),
        pager=Pager(pager.path, number, total, PAGE_SIZE),
    )

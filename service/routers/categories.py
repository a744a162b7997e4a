"""The category catalogue: administrators define and rename; anyone reads it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from domain.errors import NotFound
from projections import category_queries
from service import cache
from service.consistency import CommandsDep, ReadConn
from service.deps import RegistryDep
from service.preconditions import IfMatch
from service.problems import NOT_FOUND, READ_ERRORS, WRITE_ERRORS
from service.routers.reads import answer
from service.schemas.categories import CategoryOut, CategoryPage, DefineCategory, RenameCategory
from service.schemas.common import CategoryCode, ReceiptOut
from service.schemas.pages import PageLimit, PageOffset

router = APIRouter(prefix="/v1", tags=["categories"])
Code = Annotated[CategoryCode, Path(description="The category code, e.g. C3851.")]


@router.post(
    "/categories",
    status_code=201,
    response_model=ReceiptOut,
    operation_id="define_category",
    responses=WRITE_ERRORS,
)
async def define_category(
    payload: DefineCategory, commands: CommandsDep, response: Response
) -> ReceiptOut:
    """Add a category code to the catalogue with its Chinese and English names (once)."""
    receipt = await commands.run(
        commands.registry.define_category,
        code=payload.code,
        name_zh=payload.name_zh,
        name_en=payload.name_en,
    )
    response.headers["Location"] = f"/v1/categories/{payload.code}"
    return ReceiptOut(**receipt)


@router.post(
    "/categories/{code}/names",
    response_model=ReceiptOut,
    operation_id="rename_category",
    responses=WRITE_ERRORS,
)
async def rename_category(
    code: Code, payload: RenameCategory, commands: CommandsDep, version: IfMatch
) -> ReceiptOut:
    """Change a category's Chinese or English name (or both), with the reason."""
    receipt = await commands.run(
        commands.registry.rename_category,
        code,
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        reason=payload.reason,
        expected_version=version,
    )
    return ReceiptOut(**receipt)


@router.get(
    "/categories",
    response_model=CategoryPage,
    operation_id="list_categories",
    responses=READ_ERRORS,
)
async def list_categories(
    conn: ReadConn,
    registry: RegistryDep,
    request: Request,
    response: Response,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> Response:
    """The catalogue in code order, each category with its counts of schemes and titles
    in force now."""
    now = registry.now()
    page, first_end = await category_queries.categories_page(
        conn, now=now, limit=limit, offset=offset
    )
    return answer(request, response, page, fresh_until=cache.earliest_after(now, [first_end]))


@router.get(
    "/categories/{code}",
    response_model=CategoryOut,
    operation_id="get_category",
    responses={**READ_ERRORS, **NOT_FOUND},
)
async def get_category(
    code: Code, conn: ReadConn, registry: RegistryDep, request: Request, response: Response
) -> Response:
    """One catalogued category, its names and counts (404 if the code is not catalogued)."""
    now = registry.now()
    found = await category_queries.category(conn, code, now=now)
    if found is None:
        raise NotFound(f"no category {code} in the catalogue")
    record, first_end = found
    until = cache.earliest_after(now, [first_end])
    return answer(request, response, record, fresh_until=until, tagged=True)

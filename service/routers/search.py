"""Search: one query over enterprises, declarations, evaluation bodies and schemes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from domain import limits
from projections import search_queries
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.problems import READ_ERRORS
from service.routers.reads import answer
from service.schemas.search import SearchKind, SearchQuery, SearchResults

router = APIRouter(prefix="/v1", tags=["search"], responses=READ_ERRORS)


@router.get("/search", response_model=SearchResults, operation_id="search")
async def search(
    q: Annotated[
        SearchQuery,
        Query(
            description=f"What to find: {limits.MIN_SEARCH_QUERY} to "
            f"{limits.MAX_SEARCH_QUERY} characters, any part of an enterprise's name (a former "
            "one too) or credit code, a standard number or title, a product name or model "
            "(with or without separators: KFR-35GW = kfr35gw), an evaluation body's name, a "
            "scheme's title. Case, full-width forms and runs of spaces do not matter; every "
            "other character (`%`, `_`, `\\`) means itself.",
        ),
    ],
    conn: ReadConn,
    registry: RegistryDep,
    kind: Annotated[
        list[SearchKind] | None,
        Query(description="Only these kinds (repeat the parameter); every kind by default."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=limits.MAX_SEARCH_LIMIT, description="Matches shown per kind.")
    ] = 10,
    *,
    request: Request,
    response: Response,
) -> Response:
    """The best matches of `q` per kind of record: exact, then prefix, then substring."""
    kinds = [k.value for k in kind] if kind else [k.value for k in SearchKind]
    results, fresh_until = await search_queries.search(
        conn, q, kinds=kinds, limit=limit, now=registry.now()
    )
    return answer(request, response, results, fresh_until=fresh_until)

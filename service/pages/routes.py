"""The pages: home, leaders, search results and the language switch (not in the OpenAPI)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import TypeAdapter, ValidationError
from starlette.responses import RedirectResponse, Response

from projections import latest, queries, search_queries
from projections.category_queries import categories_page
from projections.enterprise_queries import enterprises_page
from projections.lists.bodies import bodies_select, body_item
from projections.lists.paging import page
from projections.lists.schemes import scheme_item, schemes_select
from projections.notice_feed import Feed
from service.consistency import ReadConn
from service.deps import RegistryDep
from service.languages import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from service.pages import feed_links
from service.pages.filters import PAGE_SIZE, LeaderFilters
from service.pages.respond import html, language_of
from service.schemas.search import SearchKind, SearchQuery

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=200)]
_SEARCH: TypeAdapter[str] = TypeAdapter(SearchQuery)
SEARCH_LIMIT = 10  # matches shown per kind


@router.get("/")
async def home(request: Request, conn: ReadConn, registry: RegistryDep) -> Response:
    """Headline counts, the latest awards and revocations, and the categories."""
    now = registry.now()
    leaders, fresh_until = await queries.leaders_page(conn, now=now, limit=1)
    _, schemes = await page(conn, schemes_select(now=now), scheme_item, limit=1, offset=0)
    _, bodies = await page(conn, bodies_select(now=now), body_item, limit=1, offset=0)
    enterprises = await enterprises_page(conn, now=now, limit=1)
    categories, _ = await categories_page(conn, now=now, limit=200)
    counts = {
        "titles": leaders["total"],
        "enterprises": enterprises["total"],
        "schemes": schemes,
        "bodies": bodies,
    }
    return html(
        request,
        "home.html",
        fresh_until=fresh_until,  # the first title in force to end changes the counts
        counts=counts,
        awards=await latest.latest_awards(conn, now=now),
        revocations=await latest.latest_revocations(conn, now=now),
        categories=categories["items"],
        feeds=feed_links.links(Feed()),
    )


@router.get("/leaders")
async def leaders(
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    category: Text = None,
    level: Text = None,
    region: Text = None,
    cycle: Text = None,
    credit_code: Text = None,
    as_of: Text = None,
    page: Text = None,
) -> Response:
    """The titles in force now (or at the end of the `as_of` day), filtered, paged."""
    now = registry.now()
    filters = LeaderFilters.parse(
        {
            "category": category,
            "level": level,
            "region": region,
            "cycle": cycle,
            "credit_code": credit_code,
            "as_of": as_of,
            "page": page,
        }
    )
    moment = filters.moment(now)
    found, fresh_until = await queries.leaders_page(
        conn,
        now=now,
        as_of=moment,
        category=filters.category,
        cycle=filters.cycle,
        level=filters.level,
        region=filters.region,
        credit_code=filters.credit_code,
        limit=PAGE_SIZE,
        offset=filters.offset,
    )
    categories, _ = await categories_page(conn, now=now, limit=200)
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    language = language_of(request)
    named = {
        c["code"]: c["name_en"] if language == "en" else c["name_zh"] for c in categories["items"]
    }
    return html(
        request,
        "leaders.html",
        language=language,
        category_names=named,
        fresh_until=fresh_until,
        filters=filters,
        leaders=found,
        pages=pages,
        categories=categories["items"],
        api_query=filters.api_query(now),
        download_query=filters.download_query(now),
        then=moment,
        # The category's notices, when one is chosen (unknown: the feed is a 404, not linked).
        feeds=feed_links.links(Feed("category", filters.category))
        if filters.category in named
        else [],
    )


@router.get("/search")
async def search(
    request: Request, conn: ReadConn, registry: RegistryDep, q: Text = None
) -> Response:
    """The best matches of `q` per kind of record, as `/v1/search` ranks them."""
    query = (q or "").strip()
    try:
        query = _SEARCH.validate_python(query) if query else ""
    except ValidationError:
        return html(request, "search.html", q=query, results=None, too_short=True)
    if not query:
        return html(request, "search.html", q="", results=None, too_short=False)
    kinds = [kind.value for kind in SearchKind]
    results, fresh_until = await search_queries.search(
        conn, query, kinds=kinds, limit=SEARCH_LIMIT, now=registry.now()
    )
    return html(
        request, "search.html", fresh_until=fresh_until, q=query, results=results, too_short=False
    )


@router.get("/language")
async def switch_language(to: Text = None, next: Text = None) -> Response:
    """Remember the chosen language (a cookie) and go back to the page it was chosen on."""
    local = next and next.startswith("/") and not next.startswith("//") and "\\" not in next
    target = next if local and next else "/"
    response = RedirectResponse(target, status_code=303)
    if to in LANGUAGES:
        response.set_cookie(
            COOKIE, to, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax", path="/"
        )
    return response

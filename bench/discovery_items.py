"""The requests of the discovery phase (bench/discovery.py): search queries drawn from the
generated data, list pages with a filter or two, and the large ranking's pages.

Every phase cycles through many distinct URLs (the API's read cache keeps answers by URL:
one URL repeated would measure the cache alone); how many is in the results.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote, urlencode

from bench.data import PROVINCES, DataSet
from bench.populate import Population
from domain.candidacy import Status
from domain.complaint import ComplaintStatus, Grounds
from domain.evaluation_body import BodyKind
from domain.scheme import Level, SchemeStatus

QUERIES = 300  # distinct queries per search phase (at most)
PAGE = 50
SEARCH = {
    "search2": "search, 2-character brand",
    "search3": "search, 3 characters",
    "search6": "search, 6 characters",
    "model": "search, model number",
    "model_plain": "search, model number without hyphen",
}
LISTS = {
    "schemes": "/v1/schemes",
    "evaluation_bodies": "/v1/evaluation-bodies",
    "declarations": "/v1/declarations",
    "candidacies": "/v1/candidacies",
    "complaints": "/v1/complaints",
    "enterprises": "/v1/enterprises",
    "categories": "/v1/categories",
    "leaders": "/v1/leaders",
}
RANKING = {
    "ranking10k": "10,000-entry ranking, first page",
    "ranking10k_pages": "10,000-entry ranking, a page at random",
}
# Search again on an API without its read cache: every query runs.
SEARCH_UNCACHED = {
    f"{name}_uncached": f"{label} (read cache off)" for name, label in SEARCH.items()
}
# The website's pages (issue 15), as deployed.
PAGES = {
    "page_leaders": "page /leaders (HTML, filtered and paged)",
    "page_leader": "page /leaders/{candidacy_id} (HTML)",
}
# The leaders page and the ranking's first page again, every request a query (no cache).
UNCACHED = {
    "leaders_uncached": "list /v1/leaders (read cache off)",
    "ranking10k_uncached": "10,000-entry ranking, first page (read cache off)",
}


def _path(base: str, **params: Any) -> dict[str, Any]:
    query = urlencode({k: v for k, v in params.items() if v is not None}, quote_via=quote)
    return {"path": f"{base}?{query}" if query else base}


def _trim_province(name: str) -> str:
    for _, province in sorted(PROVINCES, key=lambda p: -len(p[1])):
        if name.startswith(province):
            return name[len(province) :]
    return name


def plain_model(model: str) -> str:
    """A model number as people type it without its separators: KFR-352A → kfr352a."""
    return "".join(ch for ch in model if ch.isalnum()).lower()


def search_queries(data: DataSet, rng: random.Random) -> dict[str, list[str]]:
    """Per search phase, the queries: brands both common and rare, name fragments, models."""
    ranked = [b for b, _ in data.brands.most_common()]
    common, rare = ranked[:10], ranked[-10:]
    names = list(dict.fromkeys(data.names))
    rng.shuffle(names)
    middles = [_trim_province(n) for n in names]
    brands = list(dict.fromkeys(common + rare + [m[:2] for m in middles]))[:QUERIES]
    models = list(dict.fromkeys(data.models))
    rng.shuffle(models)
    queries = {
        "search2": brands,
        "search3": list(dict.fromkeys(m[:3] for m in middles))[:QUERIES],
        "search6": list(dict.fromkeys(n[:6] for n in names))[:QUERIES],
        "model": models[:QUERIES],
        "model_plain": [plain_model(m) for m in models[:QUERIES]],
    }
    rng.shuffle(queries["search2"])  # common and rare brands among the others
    return queries


def search_items(data: DataSet, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [_path("/v1/search", q=q) for q in queries]
        for name, queries in search_queries(data, rng).items()
    }


def list_items(pop: Population, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Per list, pages: the first pages unfiltered and with one or two filters."""
    categories = pop.categories
    regions = [code for code, _ in PROVINCES]
    codes = pop.credit_codes[:200]
    items: dict[str, list[dict[str, Any]]] = {name: [] for name in LISTS}

    def add(name: str, **params: Any) -> None:
        items[name].append(_path(LISTS[name], limit=PAGE, **params))

    for offset in range(0, 10 * PAGE, PAGE):
        for name in LISTS:
            add(name, offset=offset)
    for c in categories:
        add("schemes", category=c)
        add("schemes", category=c, status=SchemeStatus.AWARDED.value)
        add("evaluation_bodies", category=c)
        add("declarations", category=c)
        add("leaders", category=c)
        add("leaders", category=c, level=Level.NATIONAL.value)
    for r in regions:
        add("schemes", region=r, level=Level.PROVINCIAL.value)
        add("enterprises", region=r)
        add("enterprises", region=r, has_title_in_force="true")
    for kind in BodyKind:
        add("evaluation_bodies", kind=kind.value)
    for status in ComplaintStatus:
        for grounds in Grounds:
            add("complaints", status=status.value, grounds=grounds.value)
    for n, code in enumerate(codes):
        add("declarations", credit_code=code)
        add("candidacies", credit_code=code)
        if n % 4 == 0:
            add("candidacies", credit_code=code, status=Status.AWARDED.value)
    for scheme in pop.ranked_schemes[:100]:
        add("candidacies", scheme_id=scheme, status=Status.AWARDED.value)
    for values in items.values():
        rng.shuffle(values)
    return items


def ranking_items(pop: Population, entries: int, rng: random.Random) -> dict[str, list[Any]]:
    """The large ranking's first page, and pages at random offsets through it."""
    if pop.big_ranking is None:
        return {}
    base = f"/v1/schemes/{pop.big_ranking}/ranking"
    offsets = list(range(0, max(PAGE, entries), PAGE))
    rng.shuffle(offsets)
    return {
        "ranking10k": [_path(base, limit=PAGE)],
        "ranking10k_pages": [_path(base, limit=PAGE, offset=o) for o in offsets],
    }


def page_items(pop: Population, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """The leaders page filtered a way or two and paged, and awarded leaders' own pages."""
    leaders = [_path("/leaders", page=n) for n in range(1, 11)]
    for c in pop.categories:
        leaders += [
            _path("/leaders", category=c),
            _path("/leaders", category=c, level=Level.NATIONAL.value),
            _path("/leaders", category=c, page=2),
        ]
    leaders += [_path("/leaders", region=code) for code, _ in PROVINCES]
    leaders += [_path("/leaders", credit_code=code) for code in pop.credit_codes[:100]]
    # As many leader pages as leaders pages, so that both phases ask for as many distinct
    # answers (each is rendered once, then served from the read cache until an event).
    titles = rng.sample(pop.active_titles, min(len(leaders), len(pop.active_titles)))
    rng.shuffle(leaders)
    return {"page_leaders": leaders, "page_leader": [{"path": f"/leaders/{c}"} for c in titles]}

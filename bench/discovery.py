"""Discovery (issue 14): search, every list, a 10,000-entry ranking and a whole download.

At 64 clients, beside hello-world measured in the same run (`step_baselines`, hello only
when the baselines phase did not run):

* search (`/v1/search?q=`), one phase per kind of query (bench/discovery_items.py), each
  cycling through up to 300 distinct queries: on an API as deployed (read cache on: each
  query is first asked over several connections, `warm`, so that every worker has answered
  it once, as a deployed registry has its common queries), and again on an API whose read
  cache is off (`..._uncached`: every query runs);
* every list's pages, first pages filtered a way or two and pages deeper in, and the large
  ranking (bench/big_ranking.py): its first page, and pages at random offsets, on an API
  as deployed (read cache on, many distinct URLs per phase); the leaders pages and the
  ranking's first page also without the cache (one URL is one cache entry);
* the whole current leaders list as CSV (and the whole declarations list, when it answers
  CSV) from a fresh API, its workers' resident set watched (bench/download_memory.py).

Before each phase every URL is tried once: those answering 4xx are left out and counted
(a filter the list does not declare, a list not there yet), so that what is missing shows
in the results instead of as errors in the load.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
from psycopg import sql

from bench.context import Bench, log
from bench.discovery_items import list_items, ranking_items, search_items
from bench.download_memory import download
from bench.http_phases import step_baselines
from bench.populate import Population

CLIENTS = 64
DOWNLOADS = {
    "leaders": "/v1/leaders?format=csv",
    "declarations": "/v1/declarations?format=csv",
}


def step_discovery(bench: Bench, pop: Population) -> None:
    if "hello@64" not in bench.results["http"]:
        step_baselines(bench, insert=False, clients=(CLIENTS,))
    found: dict[str, Any] = {
        "urls": {},
        "dropped": {},
        "examples": {},
        "big_ranking_entries": pop.counts.get("big_ranking_entries", 0),
        "vacuum_analyze_s": vacuum_analyze(bench),
    }
    bench.results["discovery"] = found
    rng = random.Random(14)
    lists = list_items(pop, rng)
    rankings = ranking_items(pop, found["big_ranking_entries"], rng)
    searches = search_items(bench.data, rng)
    log("discovery: search, the leaders page and the ranking's, on an API without its cache")
    proc, url = bench.start_api("api-search", REGISTRY_READ_CACHE_BYTES="0")
    try:
        for name, items in searches.items():
            found["examples"][name] = [i["path"] for i in items[:3]]
            phase(bench, url, f"{name}_uncached", items, sample=20)
        phase(bench, url, "leaders_uncached", lists["leaders"])
        phase(bench, url, "ranking10k_uncached", rankings.get("ranking10k", []))
    finally:
        bench.procs.stop(proc)
    log("discovery: search, lists and the large ranking, on an API as deployed")
    proc, url = bench.start_api("api-discovery")
    try:
        for name, items in searches.items():
            warm(url, items)  # as the pages: each worker has answered each query once
            phase(bench, url, name, items, sample=20)
        for name, items in lists.items():
            phase(bench, url, f"list_{name}", items)
        for name, items in rankings.items():
            phase(bench, url, name, items)
    finally:
        bench.procs.stop(proc)
    found["downloads"] = step_downloads(bench, pop)


def vacuum_analyze(bench: Bench) -> float | None:
    """VACUUM ANALYZE the read models, as autovacuum would have after the catch-up (it is
    off on the bench's server): without statistics or with GIN pending lists the planner
    and the indexes serve search far worse than in production. Seconds taken."""
    if bench.args.sqlite:
        return None
    started = time.monotonic()
    schema = bench.settings.read_schema
    with psycopg.connect(bench.db_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
        for (table,) in tables:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(schema, table)))
    seconds = round(time.monotonic() - started, 1)
    log(f"  VACUUM ANALYZE of {len(tables)} read-model tables: {seconds} s")
    return seconds


def preflight(url: str, items: list[dict[str, Any]], sample: int | None) -> tuple[list[Any], Any]:
    """The items that answer 2xx (all tried, or the first `sample`: then all kept if they
    all answered), and what the others answered: counts by status, and one problem."""
    tried = items if sample is None else items[:sample]
    kept, statuses, problem = [], Counter[str](), None
    with httpx.Client(base_url=url, timeout=60.0) as client:
        for item in tried:
            try:
                response = client.get(item["path"])
            except httpx.HTTPError as error:
                statuses[f"error:{type(error).__name__}"] += 1
                problem = problem or f"{item['path']}: {error}"
                continue
            if response.is_success:
                kept.append(item)
            else:
                statuses[str(response.status_code)] += 1
                if problem is None:
                    problem = f"{item['path']}: {response.text[:300]}"
    if sample is not None and not statuses:
        kept = items
    dropped = {"statuses": dict(statuses), "example": problem} if statuses else None
    return kept, dropped


def phase(
    bench: Bench, url: str, name: str, items: list[dict[str, Any]], sample: int | None = None
) -> None:
    kept, dropped = preflight(url, items, sample)
    found = bench.results["discovery"]
    if dropped:
        found["dropped"][name] = dropped
        log(f"  {name}: {sum(dropped['statuses'].values())} URL(s) left out: {dropped}")
    found["urls"][name] = len(kept)
    if not kept:
        return
    bench.load(
        f"{name}@{CLIENTS}",
        {
            "base_url": url,
            "method": "GET",
            "concurrency": CLIENTS,
            "items": kept,
            "max_requests": bench.max_requests(),
        },
    )


def step_downloads(bench: Bench, pop: Population) -> dict[str, Any]:
    """The whole leaders (and declarations) as CSV from a fresh API, memory watched."""
    log("discovery: whole lists as CSV, the API workers' memory watched")
    proc, url = bench.start_api("api-download")
    out: dict[str, Any] = {}
    try:
        # Warm both workers (imports, connections, encoders) with pages and a small download.
        category = pop.categories[0] if pop.categories else None
        with httpx.Client(base_url=url, timeout=60.0) as client:
            for _ in range(8):
                client.get("/v1/leaders?limit=50")
                client.get(f"/v1/leaders?format=csv&category={category}")
        small = download(proc, url, f"/v1/leaders?format=csv&category={category}")
        out["leaders_one_category"] = small
        for name, path in DOWNLOADS.items():
            result = download(proc, url, path)
            out[name] = result
            log(
                f"  {path}: {result['status']}, {result['rows']:,} rows, {result['mb']} MB in "
                f"{result['seconds']} s ({result['rows_per_s']:,.0f} rows/s); API worker RSS "
                f"{result['rss_before_mb']} → peak {result['rss_peak_mb']} MB "
                f"(+{result['rss_growth_mb']} MB)"
            )
    finally:
        bench.procs.stop(proc)
    return out


WARMING_CONNECTIONS = 8  # each API worker holds its own read cache; 8 connections reach both


def warm(url: str, items: list[dict[str, Any]]) -> None:
    """Ask for every page over several connections at once, so that every API worker has
    rendered it once (the kernel hands each connection to one worker): the phase then
    measures pages as a deployed site serves them, rendered once and read many times."""

    def through_one_connection(_: int) -> None:
        with httpx.Client(base_url=url, timeout=60.0) as client:
            for item in items:
                client.get(item["path"])

    with ThreadPoolExecutor(WARMING_CONNECTIONS) as pool:
        list(pool.map(through_one_connection, range(WARMING_CONNECTIONS)))

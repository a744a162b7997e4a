"""Growth: the public reads near 100,000 events, then again once the log holds 10 million.

`python -m bench --growth` starts from a small data set (`--declarations 20000` gives about
110,000 events), measures the current-leaders page and a candidacy's status, then imports
generated declarations of new enterprises, a million at a time, until the log reaches
`--growth-events`, waits for the projection worker (running all along) to take them in, and
measures the same reads again against a freshly started API. The target compares the two p99s
(each the median of three runs).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import TYPE_CHECKING, Any

from bench import data
from bench.context import Bench, log

if TYPE_CHECKING:
    from bench.populate import Population
    from bench.procs import Proc

READS = ("leaders", "candidacy")
# A p99 at 64 clients on two shared cores moves by 2x and more between runs of the same
# read: each figure is the median of three runs.
ROUNDS = 3
CHUNK = 1_000_000  # declarations per generated file (about 400 MB of JSON Lines)


def step_growth(bench: Bench, pop: Population, worker: Proc) -> None:
    small = measure(bench, pop, "small")
    grown_by = grow(bench, worker)
    grown = measure(bench, pop, "grown")
    ratios = {
        key: round(grown["p99_ms"][key] / small["p99_ms"][key], 2)
        for key in small["p99_ms"]
        if small["p99_ms"][key]
    }
    bench.results["growth"] = {"small": small, "grown": grown, "import": grown_by}
    bench.results["growth"]["p99_ratio"] = ratios
    log(f"growth: p99 at {grown['events']:,} events / at {small['events']:,} events: {ratios}")


def measure(bench: Bench, pop: Population, label: str) -> dict[str, Any]:
    """The growth reads at 8 and 64 clients (medians of `ROUNDS` runs), and the API workers'
    largest RSS after them."""
    events = bench.event_count()
    log(f"growth reads at {events:,} events ({label})")
    proc, url = bench.start_api(f"api-growth-{label}")
    out: dict[str, Any] = {"events": events, "p99_ms": {}, "p50_ms": {}, "throughput": {}}
    out["rounds_p99_ms"] = {}
    try:
        items = bench.read_items(pop, random.Random(23))
        for name in READS:
            for clients in (8, 64):
                key = f"{name}@{clients}"
                plan = http_plan(bench, url, clients, items[name])
                rounds = [bench.load(f"growth-{label}-{key}", plan) for _ in range(ROUNDS)]
                bench.results["http"].pop(f"growth-{label}-{key}", None)  # kept below instead
                for figure in ("p99_ms", "p50_ms", "throughput"):
                    out[figure][key] = statistics.median(r[figure] for r in rounds)
                out["rounds_p99_ms"][key] = [r["p99_ms"] for r in rounds]
        rss = [c.memory_info().rss for c in proc.process.children()]
        out["api_worker_rss_mb"] = round(max(rss, default=0) / 2**20, 1)
    finally:
        bench.procs.stop(proc)
    return out


def http_plan(bench: Bench, url: str, clients: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "base_url": url,
        "method": "GET",
        "concurrency": clients,
        "items": items,
        "max_requests": bench.max_requests(),
    }


def grow(bench: Bench, worker: Proc) -> dict[str, Any]:
    """Import declarations of new enterprises until the log holds the target number of events."""
    target = bench.args.growth_events
    first = max(1, bench.args.declarations // 3)  # enterprises the first data set used
    path = bench.work / "growth.jsonl"
    imported = 0
    seconds = 0.0
    started = time.monotonic()
    while (head := bench.head()) < target:
        count = min(CHUNK, target - head)
        made = data.generate(path, count, seed=head, keep_per_category=0, first_enterprise=first)
        first += made.enterprises
        done, took = bench.import_file(path, count)
        path.unlink(missing_ok=True)
        imported += done
        seconds += took
        log(f"  grown to {head + done:,} events ({done / took:,.0f} declarations/s)")
    head = bench.head()
    log(f"waiting for the projection worker to reach {head:,}")
    bench.wait_projected(worker, head, deadline=time.monotonic() + 6 * 3600)
    wall = time.monotonic() - started
    return {
        "declarations": imported,
        "import_seconds": round(seconds, 1),
        "wall_seconds": round(wall, 1),
        "worker_events_per_s": round(imported / wall, 1) if wall else None,
    }

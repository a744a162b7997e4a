"""The HTTP phases: baselines, the registry's writes and reads, and the projection lag."""

from __future__ import annotations

import random
from typing import Any

from bench import baseline
from bench.context import Bench, log
from bench.populate import Population
from bench.procs import (
    Proc,
    wait_http,
)
from bench.profiles import profile_finish, profile_worker


def step_baselines(
    bench: Bench, *, insert: bool = True, clients: tuple[int, ...] = (8, 64)
) -> None:
    """hello-world (and, with `insert`, the durable INSERT) at each number of clients."""
    log("baselines: hello-world" + (" and a durable INSERT" * insert) + " (bench/baseline.py)")
    baseline.setup(bench.baseline_dsn)
    proc, url = bench.uvicorn("baseline", "bench.baseline:app_factory", bench.env)
    wait_http(f"{url}/hello", proc)
    bench.rss.watch("baseline_worker", proc, children=True)
    body = {"values": {"eei": "41.25", "noise": "37.5", "fresh": "78.00"}}
    try:
        for n in clients:
            common: dict[str, Any] = {
                "base_url": url,
                "concurrency": n,
                "max_requests": bench.max_requests(),
            }
            bench.load(f"hello@{n}", {**common, "items": [{"path": "/hello"}], "method": "GET"})
            if insert:
                items = [{"path": "/insert", "body": body}]
                bench.load(f"insert@{n}", {**common, "items": items, "method": "POST"})
    finally:
        bench.rss.forget("baseline_worker")
        bench.procs.stop(proc)


def step_registry_http(bench: Bench, pop: Population, *, writes: bool, reads: bool) -> None:
    log("registry API: 2 uvicorn workers, projections in their own process")
    proc, url = bench.start_api("api")
    bench.fresh_used = 0
    rng = random.Random(11)
    try:
        if writes:
            http_writes(bench, pop, proc, url, rng)
        if reads:
            http_reads(bench, pop, proc, url, rng)
    finally:
        bench.procs.stop(proc)


def http_writes(bench: Bench, pop: Population, proc: Proc, url: str, rng: random.Random) -> None:
    for clients in (8, 64):
        profile = None
        if bench.args.profile and clients == 64:
            profile = profile_worker(bench, "evaluate@64", proc)
        result = bench.load(
            f"evaluate@{clients}",
            {
                "base_url": url,
                "method": "POST",
                "concurrency": clients,
                "items": fresh_items(bench, pop, bench.fresh_used),
                "max_requests": len(pop.fresh),
            },
        )
        profile_finish(bench, profile)
        bench.fresh_used += result["sent"]
    complaints = [
        {
            "path": "/v1/complaints",
            "token": pop.regulator_token,
            "body": {
                "candidacy_id": cid,
                "complainant_kind": "consumer",
                "grounds": "other",
                "description": "标识与实物不符 (label does not match the product)",
                "evidence": ["12315 ticket"],
            },
        }
        for cid in pop.active_titles
    ]
    rng.shuffle(complaints)
    for clients in (8, 64):
        bench.load(
            f"complaint@{clients}",
            {
                "base_url": url,
                "method": "POST",
                "concurrency": clients,
                "items": complaints,
                "max_requests": bench.max_requests(),
            },
        )


def http_reads(bench: Bench, pop: Population, proc: Proc, url: str, rng: random.Random) -> None:
    reads = bench.read_items(pop, rng)
    for name, items in reads.items():
        for clients in (8, 64):
            profile = None
            if bench.args.profile and clients == 64 and name == "leaders":
                profile = profile_worker(bench, "leaders@64", proc)
            bench.load(
                f"{name}@{clients}",
                {
                    "base_url": url,
                    "method": "GET",
                    "concurrency": clients,
                    "items": items,
                    "max_requests": bench.max_requests(),
                },
            )
            profile_finish(bench, profile)


def step_lag(bench: Bench, pop: Population) -> None:
    best = max(bench.results["http"][f"evaluate@{c}"]["throughput"] for c in (8, 64))
    rate = max(1.0, best / 2)
    log(f"projection lag at {rate:,.0f} evaluations/s (half of {best:,.0f}/s)")
    # Writes answer at once here (no read-your-writes wait): the lag is then measured
    # from the acknowledgement of the durable append to its visibility.
    proc, url = bench.start_api("api-lag", REGISTRY_CONSISTENCY_TIMEOUT="0")
    if bench.args.sqlite:
        lag = {
            "kind": "sqlite",
            "path": str(bench.settings.read_url(asynchronous=False).database),
        }
    else:
        lag = {"kind": "postgres", "dsn": bench.db_url, "schema": bench.settings.read_schema}
    try:
        result = bench.load(
            "lag",
            {
                "base_url": url,
                "method": "POST",
                "concurrency": 64,
                "rate": rate,
                "items": fresh_items(bench, pop, bench.fresh_used),
                "max_requests": int(rate * (bench.args.warmup + bench.args.duration)) + 1,
                "lag": lag,
            },
        )
        bench.fresh_used += result["sent"]
    finally:
        bench.procs.stop(proc)
    bench.results["steps"]["fresh_used"] = bench.fresh_used
    bench.results["steps"]["re_evaluations"] = max(0, bench.fresh_used - len(pop.fresh))


def fresh_items(bench: Bench, pop: Population, start: int) -> list[dict[str, Any]]:
    """The fresh candidacies from `start` on, then from the beginning (re-evaluations)."""
    ordered = pop.fresh[start:] + pop.fresh[:start]
    return [
        {
            "path": f"/v1/candidacies/{cid}/evaluations",
            "body": {"values": values},
            "token": pop.bodies[body].token,
        }
        for cid, body, values in ordered
    ]

"""The whole benchmark, phase by phase (see `bench/__init__.py` for what it measures)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from bench import growth, report
from bench.context import Bench, log
from bench.discovery import step_discovery
from bench.http_phases import step_baselines, step_lag, step_registry_http
from bench.machine import load_tool, machine
from bench.options import PHASES, parse_args
from bench.pages import step_pages
from bench.preparation import (
    step_generate,
    step_migrate_and_import,
    step_populate,
    step_projection_worker,
)
from bench.procs import (
    create_database,
)
from bench.replays import step_raw_read, step_rebuilds
from bench.stream import step_stream
from bench.webhooks import step_webhooks


def run(bench: Bench) -> dict[str, Any]:
    a = bench.args
    bench.results["scale"] = {
        "declarations": a.declarations,
        "candidacies_target": a.candidacies,
        "schemes_target": a.schemes,
        "fresh_candidacies": a.fresh,
        "store": "sqlite" if a.sqlite else "postgresql",
        "duration_s": a.duration,
        "warmup_s": a.warmup,
    }
    bench.results["machine"] = machine(bench)
    bench.results["phases"] = sorted(a.only, key=PHASES.index)
    bench.results["load_tool"] = load_tool(bench)
    started = time.monotonic()
    only = a.only
    needs_data = bool(only - {"baselines", "stream", "webhooks"})
    needs_population = bool(
        only & {"writes", "reads", "discovery", "pages", "lag", "rebuilds", "raw", "growth"}
    )
    needs_api = bool(only & {"writes", "reads", "discovery", "pages", "lag", "growth"})
    if not a.sqlite:
        create_database(a.server, bench.db_name)
        bench.created_db = True
        log(f"database {bench.db_name} created")
    if needs_data:
        step_generate(bench)
        step_migrate_and_import(bench)
    population = step_populate(bench) if needs_population else None
    worker = step_projection_worker(bench) if needs_api else None
    if "baselines" in only:
        step_baselines(bench)
    if population is not None and needs_api:
        if only & {"writes", "reads"}:
            step_registry_http(bench, population, writes="writes" in only, reads="reads" in only)
        if "discovery" in only:
            step_discovery(bench, population)
        if "pages" in only:
            step_pages(bench, population)
        if "lag" in only:
            step_lag(bench, population)
        if "growth" in only and worker is not None:
            growth.step_growth(bench, population, worker)
    if worker is not None:
        bench.procs.stop(worker)
        bench.rss.forget("projection_worker")
    if "rebuilds" in only:
        step_rebuilds(bench)
    if "raw" in only:
        step_raw_read(bench)
    if "stream" in only:
        step_stream(bench)
    if "webhooks" in only:
        step_webhooks(bench)
    bench.results["peak_rss_mb"] = bench.rss.close()
    bench.results["seconds"] = round(time.monotonic() - started, 1)
    bench.results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    bench.results["targets"] = report.targets(bench.results)
    if bench.profiles:
        bench.results["profiles"] = bench.profiles
    return bench.results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bench = Bench(args)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous: dict[int, Callable[..., Any] | int | None] = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, stop)
    ok = False
    try:
        results = run(bench)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(report.table(results))
        log(f"results written to {args.out}")
        ok = True
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
    finally:
        bench.cleanup(ok)
        for number, handler in previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type,unused-ignore]
    return 0 if ok else 1

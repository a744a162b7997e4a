"""Preparing the store: generating declarations, migrating, importing, populating the
programme, and the projection worker's catch-up."""

from __future__ import annotations

import time

from bench import data
from bench.big_ranking import populate_big_ranking
from bench.context import Bench, log
from bench.populate import Population, Populator
from bench.procs import (
    Proc,
    python,
)
from bench.procs import run as run_command
from bench.profiles import profile_finish, profile_start
from registry.application import LeaderRegistry


def step_generate(bench: Bench) -> None:
    a = bench.args
    log(f"generating {a.declarations:,} declarations")
    t = time.monotonic()
    bench.data = data.generate(bench.work / "declarations.jsonl", a.declarations)
    seconds = time.monotonic() - t
    bench.results["steps"]["generate"] = {
        "declarations": a.declarations,
        "enterprises": bench.data.enterprises,
        "mb": round(bench.data.bytes / 2**20, 1),
        "seconds": round(seconds, 1),
    }


def step_migrate_and_import(bench: Bench) -> None:
    run_command(python("-m", "cli.main", "migrate"), bench.env, bench.work / "migrate.log", 300)
    log("importing with `leader-registry import`")
    t = time.monotonic()
    imported, seconds = bench.import_file(
        bench.work / "declarations.jsonl", bench.args.declarations
    )
    wall = time.monotonic() - t
    rate = imported / seconds
    bench.results["steps"]["import"] = {
        "declarations": imported,
        "seconds": round(seconds, 1),
        "wall_seconds": round(wall, 1),
        "rate": round(rate, 1),
        "batch": bench.args.batch,
        "workers": bench.args.import_workers,
        "projected_3_2m_minutes": round(3_200_000 / rate / 60, 1),
    }
    log(f"imported {imported:,} in {seconds:,.1f} s: {rate:,.0f}/s")


def step_populate(bench: Bench) -> Population:
    a = bench.args
    log(
        f"populating: {a.schemes} schemes, ~{a.candidacies:,} candidacies, "
        f"{a.fresh:,} fresh candidacies"
    )
    registry = LeaderRegistry(env=bench.settings.event_store_env())
    t = time.monotonic()
    before = bench.event_count()
    try:
        pop = Populator(
            registry,
            bench.data,
            schemes=a.schemes,
            fresh=a.fresh,
            log=lambda m: log(m),
        ).run()
        if "discovery" in a.only:
            pop.big_ranking, entries = populate_big_ranking(registry, bench.data, log=log)
            pop.counts["big_ranking_entries"] = entries
    finally:
        registry.close()
    seconds = time.monotonic() - t
    events = bench.event_count() - before
    bench.results["steps"]["populate"] = {
        **pop.counts,
        "events": events,
        "seconds": round(seconds, 1),
        "events_per_s": round(events / seconds, 1),
    }
    bench.results["scale"]["events_after_population"] = bench.event_count()
    return pop


def step_projection_worker(bench: Bench) -> Proc:
    head, events = bench.head(), bench.event_count()
    log(f"projection worker: catching up with {events:,} events")
    worker = bench.procs.start(
        "projection-worker", python("-m", "projections.running.worker"), bench.env
    )
    bench.rss.watch("projection_worker", worker)
    t = time.monotonic()
    profile = profile_start(bench, "catch_up", worker.pid, 20) if bench.args.profile else None
    bench.wait_projected(worker, head, deadline=t + max(300.0, events / 100))
    seconds = time.monotonic() - t
    profile_finish(bench, profile)
    bench.results["steps"]["catch_up"] = {
        "events": events,
        "seconds": round(seconds, 1),
        "events_per_s": round(events / seconds, 1),
    }
    log(f"caught up in {seconds:,.1f} s ({events / seconds:,.0f} events/s)")
    return worker

"""Replaying the log: rebuilding each projection, and reading the raw event table."""

from __future__ import annotations

import re
import time

import psycopg

from bench.context import Bench, log
from bench.procs import (
    python,
)
from bench.procs import run as run_command
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry

PROJECTIONS = [p.name for p in all_projections()]


def step_rebuilds(bench: Bench) -> None:
    events = bench.event_count()
    rebuilds = {}
    for name in PROJECTIONS:
        log(f"rebuild {name} ({events:,} events)")
        t = time.monotonic()
        done = run_command(
            python("-m", "cli.main", "rebuild", name),
            bench.env,
            bench.work / f"rebuild-{name}.log",
            6 * 3600,
        )
        wall = time.monotonic() - t
        text = (bench.work / f"rebuild-{name}.log").read_text(errors="replace")
        rates = re.findall(r"([\d,]+)/s, ", text)
        replay = float(rates[-1].replace(",", "")) if rates else 0.0
        rebuilds[name] = {
            "events": events,
            "wall_seconds": round(wall, 2),
            "events_per_s": round(events / wall, 1),
            "replay_events_per_s": replay,
        }
        del done
        log(f"  {name}: {events / wall:,.0f} events/s overall, replay {replay:,.0f}/s")
    bench.results["rebuild"] = rebuilds


def step_raw_read(bench: Bench) -> None:
    log("raw read of the event table, and read + decode through the recorder")
    t = time.monotonic()
    rows = size = 0
    if bench.args.sqlite:
        import sqlite3

        with sqlite3.connect(bench.db_url.removeprefix("sqlite:///")) as db:
            for row in db.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid"
            ):
                rows += 1
                size += len(row[4])
    else:
        # Binary, as the projections read it (registry/event_log.py): text sends each state
        # as hexadecimal, and parsing that back halved the rate.
        with (
            psycopg.connect(bench.db_url) as conn,
            conn.cursor(name="raw", binary=True) as cursor,
        ):
            cursor.itersize = 20_000
            cursor.execute(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM leaderregistry_events ORDER BY notification_id"
            )
            for row in cursor:
                rows += 1
                size += len(row[4])
    raw = time.monotonic() - t
    registry = LeaderRegistry(env=bench.settings.event_store_env())
    t = time.monotonic()
    decoded, position = 0, 0
    try:
        while True:
            page = registry.recorder.select_notifications(
                start=position, limit=2000, inclusive_of_start=False
            )
            if not page:
                break
            for n in page:
                registry.mapper.to_domain_event(n)
            decoded += len(page)
            position = page[-1].id
    finally:
        registry.close()
    decode = time.monotonic() - t
    bench.results["raw_read"] = {
        "events": rows,
        "mb": round(size / 2**20, 1),
        "seconds": round(raw, 2),
        "events_per_s": round(rows / raw, 1),
        "decode_events_per_s": round(decoded / decode, 1),
    }
    log(f"  raw {rows / raw:,.0f} events/s; read + decode {decoded / decode:,.0f} events/s")

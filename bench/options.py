"""The benchmark's command line: its options and the phases `--only` can pick."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bench.procs import (
    ROOT,
)

RESULTS = ROOT / "bench" / "results"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# `--only`: the phases that can be run alone (each brings the steps it needs).
PHASES = (
    "import",
    "baselines",
    "writes",
    "reads",
    "discovery",  # search, every list, a 10,000-entry ranking, a whole CSV download
    "pages",  # the website's leaders page and leader pages, as HTML
    "lag",
    "rebuilds",
    "raw",
    "growth",
    "stream",  # N live-stream subscribers on one API process (bench/stream.py)
    "webhooks",  # the webhook dispatcher's deliveries per second to a local receiver
)
# Growth imports millions more declarations (see bench/growth.py): only when asked for.
DEFAULT_PHASES = set(PHASES) - {"growth"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the registry end to end on a fresh database.",
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--declarations", type=int, default=1_000_000, help="declarations (default 1,000,000)"
    )
    parser.add_argument(
        "--national", action="store_true", help="the national scale: 3,200,000 declarations"
    )
    parser.add_argument("--candidacies", type=int, help="default: a tenth of the declarations")
    parser.add_argument("--schemes", type=int, help="default: 500 per million declarations")
    parser.add_argument(
        "--fresh", type=int, help="unevaluated candidacies for the HTTP evaluations"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds measured per HTTP phase"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per phase")
    parser.add_argument("--batch", type=int, default=1000, help="import batch size")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL server (a database on it) where bench_<hex> is created and dropped",
    )
    parser.add_argument(
        "--profile", action="store_true", help="record py-spy profiles of the hot phases"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the work files afterwards"
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated phases to run, of {', '.join(PHASES)} (default: all but growth). "
        "Data generation, import and population run when a phase needs them; baselines "
        "alone need none; lag needs writes (added)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="only the growth phase: reads at this scale, then again at --growth-events "
        "(start small: --declarations 20000 is about 110,000 events)",
    )
    parser.add_argument(
        "--growth-events",
        type=int,
        default=10_000_000,
        help="log size the growth phase grows to (default 10,000,000)",
    )
    parser.add_argument(
        "--subscribers",
        type=int,
        default=1000,
        help="concurrent event-stream subscribers of the stream phase (default 1,000)",
    )
    parser.add_argument(
        "--load-tool",
        choices=["auto", "wrk", "httpx"],
        default="auto",
        help="client of the closed-loop HTTP phases (default: wrk if on PATH, else httpx)",
    )
    parser.add_argument(
        "--webhook-events", type=int, default=2000, help="public events the webhooks phase sends"
    )
    parser.add_argument(
        "--webhook-subscriptions",
        type=int,
        default=10,
        help="subscriptions (each to every event) of the webhooks phase",
    )
    parser.add_argument(
        "--import-workers",
        type=int,
        help="`leader-registry import --workers N` (default: the command's own default)",
    )
    args = parser.parse_args(argv)
    if args.only:
        only = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = only - set(PHASES)
        if unknown:
            parser.error(f"--only: unknown phase(s) {', '.join(sorted(unknown))}")
        if "lag" in only:
            only.add("writes")  # the lag is measured at half the best evaluation rate
        args.only = only
    else:
        args.only = {"growth"} if args.growth else set(DEFAULT_PHASES)
    if args.national:
        args.declarations = 3_200_000
    if args.declarations < 1000:
        parser.error("--declarations must be at least 1000")
    args.candidacies = args.candidacies or max(400, args.declarations // 10)
    args.schemes = args.schemes or max(4, round(500 * args.declarations / 1_000_000) // 2 * 2)
    args.fresh = args.fresh or int(max(2000, args.duration * 1000))
    return args

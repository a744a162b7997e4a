"""The whole benchmark, step by step (see `bench/__init__.py` for what it measures)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg

from bench import baseline, data, growth, report
from bench import load as load_tool
from bench.populate import Population, Populator
from bench.procs import (
    ROOT,
    PeakRSS,
    Proc,
    Processes,
    create_database,
    drop_database,
    free_port,
    python,
    scalar,
    wait_http,
)
from bench.procs import run as run_command
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings

RESULTS = ROOT / "bench" / "results"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PROJECTIONS = [p.name for p in all_projections()]
# `--only`: the phases that can be run alone (each brings the steps it needs).
PHASES = ("import", "baselines", "writes", "reads", "lag", "rebuilds", "raw", "growth")
# Growth imports millions more declarations (see bench/growth.py): only when asked for.
DEFAULT_PHASES = set(PHASES) - {"growth"}
READS = {
    "leaders": "current leaders (filtered page)",
    "candidacy": "one candidacy's status",
    "ranking": "a ranking",
    "history": "an enterprise history",
}


def cpu_per_request(
    before: dict[str, float], after: dict[str, float], seconds: float, throughput: float
) -> dict[str, float]:
    """Milliseconds of CPU each role spent per request: its cores in use over the phase
    (warm-up included, at the same load) divided by the measured request rate."""
    if throughput <= 0 or seconds <= 0:
        return {}
    return {
        role: round(1000 * (after[role] - before.get(role, 0.0)) / seconds / throughput, 3)
        for role in after
    }


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


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
        "--load-tool",
        choices=["auto", "wrk", "httpx"],
        default="auto",
        help="client of the closed-loop HTTP phases (default: wrk if on PATH, else httpx)",
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


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.run_id = uuid.uuid4().hex[:10]
        self.work = RESULTS / f"work-{self.run_id}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.procs = Processes(self.work)
        self.rss = PeakRSS()
        self.results: dict[str, Any] = {"run": self.run_id, "http": {}, "steps": {}}
        self.db_name = f"bench_{self.run_id}"
        if args.sqlite:
            self.db_url = f"sqlite:///{self.work}/registry.sqlite3"
            self.baseline_dsn = f"sqlite:///{self.work}/baseline.sqlite3"
        else:
            server = psycopg.conninfo.conninfo_to_dict(args.server)
            server["dbname"] = self.db_name
            self.db_url = self._url(server)
            self.baseline_dsn = self.db_url
        self.settings = Settings(database_url=self.db_url)
        self.env = dict(
            os.environ,
            REGISTRY_DATABASE_URL=self.db_url,
            REGISTRY_RUN_PROJECTIONS="false",
            # One bearer token drives all the load: lift the per-token write limit.
            REGISTRY_WRITE_RATE="1000000",
            REGISTRY_WRITE_BURST="1000000",
            BENCH_BASELINE_DSN=self.baseline_dsn,
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        self.created_db = False
        self.profiles: dict[str, Any] = {}

    @staticmethod
    def _url(parts: dict[str, Any]) -> str:
        user = parts.get("user") or "postgres"
        password = f":{parts['password']}" if parts.get("password") else ""
        host, port = parts.get("host") or "127.0.0.1", parts.get("port") or "5432"
        return f"postgresql://{user}{password}@{host}:{port}/{parts['dbname']}"

    # Orchestration ----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        a = self.args
        self.results["scale"] = {
            "declarations": a.declarations,
            "candidacies_target": a.candidacies,
            "schemes_target": a.schemes,
            "fresh_candidacies": a.fresh,
            "store": "sqlite" if a.sqlite else "postgresql",
            "duration_s": a.duration,
            "warmup_s": a.warmup,
        }
        self.results["machine"] = self.machine()
        self.results["phases"] = sorted(a.only, key=PHASES.index)
        self.results["load_tool"] = self.load_tool()
        started = time.monotonic()
        only = a.only
        needs_data = bool(only - {"baselines"})
        needs_population = bool(only & {"writes", "reads", "lag", "rebuilds", "raw", "growth"})
        needs_api = bool(only & {"writes", "reads", "lag", "growth"})
        if not a.sqlite:
            create_database(a.server, self.db_name)
            self.created_db = True
            log(f"database {self.db_name} created")
        if needs_data:
            self.step_generate()
            self.step_migrate_and_import()
        population = self.step_populate() if needs_population else None
        worker = self.step_projection_worker() if needs_api else None
        if "baselines" in only:
            self.step_baselines()
        if population is not None and needs_api:
            if only & {"writes", "reads"}:
                self.step_registry_http(population, writes="writes" in only, reads="reads" in only)
            if "lag" in only:
                self.step_lag(population)
            if "growth" in only and worker is not None:
                growth.step_growth(self, population, worker)
        if worker is not None:
            self.procs.stop(worker)
            self.rss.forget("projection_worker")
        if "rebuilds" in only:
            self.step_rebuilds()
        if "raw" in only:
            self.step_raw_read()
        self.results["peak_rss_mb"] = self.rss.close()
        self.results["seconds"] = round(time.monotonic() - started, 1)
        self.results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["targets"] = report.targets(self.results)
        if self.profiles:
            self.results["profiles"] = self.profiles
        return self.results

    def cleanup(self, ok: bool) -> None:
        self.procs.stop_all()
        self.rss.close()
        if self.created_db and not self.args.keep:
            try:
                drop_database(self.args.server, self.db_name)
                log(f"database {self.db_name} dropped")
            except psycopg.Error as error:
                log(f"could not drop {self.db_name}: {error}")
        if self.args.keep:
            log(f"kept {self.work}" + ("" if self.args.sqlite else f" and {self.db_name}"))
        elif ok:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            for big in self.work.glob("*.sqlite3*"):
                big.unlink(missing_ok=True)
            (self.work / "declarations.jsonl").unlink(missing_ok=True)
            log(f"logs kept in {self.work}")

    def load_tool(self) -> str:
        """Which client drives the closed-loop HTTP phases (see bench/load.py)."""
        wrk = load_tool.wrk_path()
        if self.args.load_tool == "httpx":
            return "httpx (chosen with --load-tool; client-bound figures)"
        if wrk is None:
            log(
                "WARNING: wrk not found (apt-get install wrk): the HTTP phases use the "
                "httpx loader, whose client CPU sets the pace; the figures are client-bound"
            )
            return "httpx (wrk not found: client-bound figures)"
        done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        version = (done.stdout or done.stderr).splitlines()[0] if done.stdout else "wrk"
        return version.split(" Copyright")[0].strip()

    def machine(self) -> dict[str, Any]:
        cpu = ""
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        import psutil

        info: dict[str, Any] = {
            "cores": os.cpu_count(),
            "cpu": cpu,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "system": platform.platform(),
        }
        if not self.args.sqlite:
            with psycopg.connect(self.args.server, autocommit=True) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
                for name in ("fsync", "synchronous_commit", "shared_buffers"):
                    info[f"pg_{name}"] = conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
        return info

    # Steps --------------------------------------------------------------------------------
    def step_generate(self) -> None:
        a = self.args
        log(f"generating {a.declarations:,} declarations")
        t = time.monotonic()
        self.data = data.generate(self.work / "declarations.jsonl", a.declarations)
        seconds = time.monotonic() - t
        self.results["steps"]["generate"] = {
            "declarations": a.declarations,
            "enterprises": self.data.enterprises,
            "mb": round(self.data.bytes / 2**20, 1),
            "seconds": round(seconds, 1),
        }

    def import_file(self, path: Path, expected: int) -> tuple[int, float]:
        """`leader-registry import` of a JSON Lines file: (declarations imported, seconds)."""
        argv = python("-m", "cli.main", "import", str(path), "--format", "jsonl")
        argv += ["--batch", str(self.args.batch)]
        if self.args.import_workers is not None:
            argv += ["--workers", str(self.args.import_workers)]
        done = run_command(argv, self.env, self.work / "import.log", 6 * 3600)
        found = re.search(
            r"imported ([\d,]+), skipped ([\d,]+) existing, rejected ([\d,]+) of ([\d,]+) "
            r"records in ([\d,.]+) s",
            done.stdout,
        )
        if not found:
            raise RuntimeError(f"unexpected import output: {done.stdout!r}")
        imported, _skipped, rejected, _total = (int(g.replace(",", "")) for g in found.groups()[:4])
        if imported != expected or rejected:
            raise RuntimeError(f"import lost records: {done.stdout}")
        return imported, float(found.group(5).replace(",", ""))

    def step_migrate_and_import(self) -> None:
        run_command(python("-m", "cli.main", "migrate"), self.env, self.work / "migrate.log", 300)
        log("importing with `leader-registry import`")
        t = time.monotonic()
        imported, seconds = self.import_file(
            self.work / "declarations.jsonl", self.args.declarations
        )
        wall = time.monotonic() - t
        rate = imported / seconds
        self.results["steps"]["import"] = {
            "declarations": imported,
            "seconds": round(seconds, 1),
            "wall_seconds": round(wall, 1),
            "rate": round(rate, 1),
            "batch": self.args.batch,
            "workers": self.args.import_workers,
            "projected_3_2m_minutes": round(3_200_000 / rate / 60, 1),
        }
        log(f"imported {imported:,} in {seconds:,.1f} s: {rate:,.0f}/s")

    def step_populate(self) -> Population:
        a = self.args
        log(
            f"populating: {a.schemes} schemes, ~{a.candidacies:,} candidacies, "
            f"{a.fresh:,} fresh candidacies"
        )
        registry = LeaderRegistry(env=self.settings.event_store_env())
        t = time.monotonic()
        before = self.event_count()
        try:
            pop = Populator(
                registry,
                self.data,
                schemes=a.schemes,
                fresh=a.fresh,
                log=lambda m: log(m),
            ).run()
        finally:
            registry.close()
        seconds = time.monotonic() - t
        events = self.event_count() - before
        self.results["steps"]["populate"] = {
            **pop.counts,
            "events": events,
            "seconds": round(seconds, 1),
            "events_per_s": round(events / seconds, 1),
        }
        self.results["scale"]["events_after_population"] = self.event_count()
        return pop

    def event_count(self) -> int:
        if self.args.sqlite:
            import sqlite3

            with sqlite3.connect(self.db_url.removeprefix("sqlite:///")) as db:
                return int(db.execute("SELECT count(*) FROM stored_events").fetchone()[0])
        return int(scalar(self.db_url, "SELECT count(*) FROM leaderregistry_events"))

    def head(self) -> int:
        if self.args.sqlite:
            import sqlite3

            with sqlite3.connect(self.db_url.removeprefix("sqlite:///")) as db:
                row = db.execute("SELECT max(rowid) FROM stored_events").fetchone()
                return int(row[0] or 0)
        return int(scalar(self.db_url, "SELECT max(notification_id) FROM leaderregistry_events"))

    def projected(self) -> int:
        if self.args.sqlite:
            import sqlite3

            read = self.settings.read_url(asynchronous=False).database
            with sqlite3.connect(str(read)) as db:
                return int(db.execute("SELECT min(position) FROM tracking").fetchone()[0] or 0)
        schema = self.settings.read_schema
        return int(scalar(self.db_url, f'SELECT min(position) FROM "{schema}".tracking') or 0)

    def wait_projected(self, worker: Proc, head: int, deadline: float) -> None:
        """Until every projection has processed position `head` (the worker must live)."""
        position = 0
        while time.monotonic() < deadline:
            if not worker.alive():
                raise RuntimeError(f"the projection worker died:\n{worker.tail()}")
            try:
                position = self.projected()
            except Exception:  # noqa: BLE001 - tables not created yet
                position = 0
            if position >= head:
                return
            time.sleep(0.2)
        raise RuntimeError(f"projection catch-up stalled at {position} of {head}")

    def step_projection_worker(self) -> Proc:
        head, events = self.head(), self.event_count()
        log(f"projection worker: catching up with {events:,} events")
        worker = self.procs.start(
            "projection-worker", python("-m", "projections.running.worker"), self.env
        )
        self.rss.watch("projection_worker", worker)
        t = time.monotonic()
        profile = self.profile_start("catch_up", worker.pid, 20) if self.args.profile else None
        self.wait_projected(worker, head, deadline=t + max(300.0, events / 100))
        seconds = time.monotonic() - t
        self.profile_finish(profile)
        self.results["steps"]["catch_up"] = {
            "events": events,
            "seconds": round(seconds, 1),
            "events_per_s": round(events / seconds, 1),
        }
        log(f"caught up in {seconds:,.1f} s ({events / seconds:,.0f} events/s)")
        return worker

    # HTTP ---------------------------------------------------------------------------------
    def uvicorn(self, name: str, app: str, env: dict[str, str]) -> tuple[Proc, str]:
        port = free_port()
        argv = python(
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--workers",
            "2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        )
        proc = self.procs.start(name, argv, env)
        return proc, f"http://127.0.0.1:{port}"

    def load(self, name: str, plan: dict[str, Any]) -> dict[str, Any]:
        plan = {
            "name": name,
            "warmup": self.args.warmup,
            "duration": self.args.duration,
            "tool": self.args.load_tool,
            **plan,
        }
        plan_path = self.work / f"plan-{name}.json"
        out_path = self.work / f"result-{name}.json"
        plan_path.write_text(json.dumps(plan))
        timeout = plan["warmup"] + plan["duration"] + 120
        cpu_before, started = self.rss.cpu_seconds(), time.monotonic()
        run_command(
            python("-m", "bench.load", str(plan_path), str(out_path)),
            self.env,
            self.work / "load.log",
            timeout,
        )
        result: dict[str, Any] = json.loads(out_path.read_text())
        plan_path.unlink(missing_ok=True)
        result["server_cpu_ms"] = cpu_per_request(
            cpu_before, self.rss.cpu_seconds(), time.monotonic() - started, result["throughput"]
        )
        bound = " (stopped at its request cap)" if result.get("count_bound") else ""
        log(
            f"  {name} [{result.get('tool', 'httpx')}]: {result['throughput']:,.0f}/s, "
            f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
            f"statuses {result['statuses']}, client CPU {result['client_cpu']:.0%}{bound}; "
            f"server CPU ms/request {result['server_cpu_ms']}"
        )
        self.results["http"][name] = result
        return result

    def max_requests(self) -> int:
        return int((self.args.warmup + self.args.duration) * 20_000)

    def step_baselines(self) -> None:
        log("baselines: hello-world and a durable INSERT (bench/baseline.py)")
        baseline.setup(self.baseline_dsn)
        proc, url = self.uvicorn("baseline", "bench.baseline:app_factory", self.env)
        wait_http(f"{url}/hello", proc)
        self.rss.watch("baseline_worker", proc, children=True)
        body = {"values": {"eei": "41.25", "noise": "37.5", "fresh": "78.00"}}
        try:
            for clients in (8, 64):
                common: dict[str, Any] = {"base_url": url, "concurrency": clients}
                items: list[dict[str, Any]] = [{"path": "/hello"}]
                self.load(
                    f"hello@{clients}",
                    {
                        **common,
                        "items": items,
                        "method": "GET",
                        "max_requests": self.max_requests(),
                    },
                )
                items = [{"path": "/insert", "body": body}]
                self.load(
                    f"insert@{clients}",
                    {
                        **common,
                        "items": items,
                        "method": "POST",
                        "max_requests": self.max_requests(),
                    },
                )
        finally:
            self.rss.forget("baseline_worker")
            self.procs.stop(proc)

    def start_api(self, name: str, **extra: str) -> tuple[Proc, str]:
        proc, url = self.uvicorn(name, "service.app:app_factory", {**self.env, **extra})
        wait_http(f"{url}/healthz", proc)
        self.rss.watch("api_worker", proc, children=True)
        return proc, url

    def fresh_items(self, pop: Population, start: int) -> list[dict[str, Any]]:
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

    def step_registry_http(self, pop: Population, *, writes: bool, reads: bool) -> None:
        log("registry API: 2 uvicorn workers, projections in their own process")
        proc, url = self.start_api("api")
        self.fresh_used = 0
        rng = random.Random(11)
        try:
            if writes:
                self.http_writes(pop, proc, url, rng)
            if reads:
                self.http_reads(pop, proc, url, rng)
        finally:
            self.procs.stop(proc)

    def http_writes(self, pop: Population, proc: Proc, url: str, rng: random.Random) -> None:
        for clients in (8, 64):
            profile = None
            if self.args.profile and clients == 64:
                profile = self.profile_worker("evaluate@64", proc)
            result = self.load(
                f"evaluate@{clients}",
                {
                    "base_url": url,
                    "method": "POST",
                    "concurrency": clients,
                    "items": self.fresh_items(pop, self.fresh_used),
                    "max_requests": len(pop.fresh),
                },
            )
            self.profile_finish(profile)
            self.fresh_used += result["sent"]
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
            self.load(
                f"complaint@{clients}",
                {
                    "base_url": url,
                    "method": "POST",
                    "concurrency": clients,
                    "items": complaints,
                    "max_requests": self.max_requests(),
                },
            )

    def http_reads(self, pop: Population, proc: Proc, url: str, rng: random.Random) -> None:
        reads = self.read_items(pop, rng)
        for name, items in reads.items():
            for clients in (8, 64):
                profile = None
                if self.args.profile and clients == 64 and name == "leaders":
                    profile = self.profile_worker("leaders@64", proc)
                self.load(
                    f"{name}@{clients}",
                    {
                        "base_url": url,
                        "method": "GET",
                        "concurrency": clients,
                        "items": items,
                        "max_requests": self.max_requests(),
                    },
                )
                self.profile_finish(profile)

    def read_items(self, pop: Population, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
        leaders = []
        for category in pop.categories:
            leaders.append({"path": f"/v1/leaders?category={category}&limit=50"})
            leaders.append({"path": f"/v1/leaders?category={category}&level=national&limit=50"})
        candidacies = rng.sample(pop.candidacies, min(2000, len(pop.candidacies)))
        codes = rng.sample(pop.credit_codes, min(2000, len(pop.credit_codes)))
        rng.shuffle(leaders)
        return {
            "leaders": leaders,
            "candidacy": [{"path": f"/v1/candidacies/{c}"} for c in candidacies],
            "ranking": [{"path": f"/v1/schemes/{s}/ranking"} for s in pop.ranked_schemes],
            "history": [{"path": f"/v1/enterprises/{c}/history"} for c in codes],
        }

    def step_lag(self, pop: Population) -> None:
        best = max(self.results["http"][f"evaluate@{c}"]["throughput"] for c in (8, 64))
        rate = max(1.0, best / 2)
        log(f"projection lag at {rate:,.0f} evaluations/s (half of {best:,.0f}/s)")
        # Writes answer at once here (no read-your-writes wait): the lag is then measured
        # from the acknowledgement of the durable append to its visibility.
        proc, url = self.start_api("api-lag", REGISTRY_CONSISTENCY_TIMEOUT="0")
        if self.args.sqlite:
            lag = {
                "kind": "sqlite",
                "path": str(self.settings.read_url(asynchronous=False).database),
            }
        else:
            lag = {"kind": "postgres", "dsn": self.db_url, "schema": self.settings.read_schema}
        try:
            result = self.load(
                "lag",
                {
                    "base_url": url,
                    "method": "POST",
                    "concurrency": 64,
                    "rate": rate,
                    "items": self.fresh_items(pop, self.fresh_used),
                    "max_requests": int(rate * (self.args.warmup + self.args.duration)) + 1,
                    "lag": lag,
                },
            )
            self.fresh_used += result["sent"]
        finally:
            self.procs.stop(proc)
        self.results["steps"]["fresh_used"] = self.fresh_used
        self.results["steps"]["re_evaluations"] = max(0, self.fresh_used - len(pop.fresh))

    # Rebuilds and raw reads ------------------------------------------------------------------
    def step_rebuilds(self) -> None:
        events = self.event_count()
        rebuilds = {}
        for name in PROJECTIONS:
            log(f"rebuild {name} ({events:,} events)")
            t = time.monotonic()
            done = run_command(
                python("-m", "cli.main", "rebuild", name),
                self.env,
                self.work / f"rebuild-{name}.log",
                6 * 3600,
            )
            wall = time.monotonic() - t
            text = (self.work / f"rebuild-{name}.log").read_text(errors="replace")
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
        self.results["rebuild"] = rebuilds

    def step_raw_read(self) -> None:
        log("raw read of the event table, and read + decode through the recorder")
        t = time.monotonic()
        rows = size = 0
        if self.args.sqlite:
            import sqlite3

            with sqlite3.connect(self.db_url.removeprefix("sqlite:///")) as db:
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
                psycopg.connect(self.db_url) as conn,
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
        registry = LeaderRegistry(env=self.settings.event_store_env())
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
        self.results["raw_read"] = {
            "events": rows,
            "mb": round(size / 2**20, 1),
            "seconds": round(raw, 2),
            "events_per_s": round(rows / raw, 1),
            "decode_events_per_s": round(decoded / decode, 1),
        }
        log(f"  raw {rows / raw:,.0f} events/s; read + decode {decoded / decode:,.0f} events/s")

    # Profiles -------------------------------------------------------------------------------
    def profile_worker(self, name: str, api: Proc) -> dict[str, Any] | None:
        children = [
            c for c in api.process.children() if "resource_tracker" not in " ".join(c.cmdline())
        ]
        if not children:
            return None
        seconds = int(self.args.warmup + self.args.duration)
        return self.profile_start(name, children[0].pid, seconds)

    def profile_start(self, name: str, pid: int, seconds: int) -> dict[str, Any] | None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(spy).exists():
            log("py-spy not found: pip install py-spy")
            return None
        out = self.work / f"profile-{name.replace('@', '-')}.txt"
        proc = self.procs.start(
            f"py-spy-{name.replace('@', '-')}",
            [
                spy,
                "record",
                "-p",
                str(pid),
                "-d",
                str(seconds),
                "-r",
                "200",
                "-f",
                "raw",
                "-o",
                str(out),
                "--nonblocking",
                "--gil",  # only the thread holding the GIL: where the CPU goes
            ],
            self.env,
        )
        return {"name": name, "proc": proc, "out": out}

    def profile_finish(self, profile: dict[str, Any] | None) -> None:
        if profile is None:
            return
        from bench import profile as summarise

        proc: Proc = profile["proc"]
        # py-spy ends by itself after its duration; a late one is stopped below.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(60)
        self.procs.stop(proc)
        out: Path = profile["out"]
        if out.exists():
            RESULTS.mkdir(exist_ok=True)
            kept = RESULTS / out.name
            shutil.copy(out, kept)
            self.profiles[profile["name"]] = summarise.summary(out.read_text())
            self.profiles[profile["name"]]["file"] = str(kept.relative_to(ROOT))
        else:
            log(f"py-spy wrote no profile for {profile['name']}:\n{proc.tail()}")


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
        results = bench.run()
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

"""What every phase of the benchmark shares: its settings, work directory, processes and
results, the store's counts, starting an API and running the HTTP load (`Bench`)."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from bench import data
from bench.options import RESULTS
from bench.populate import Population
from bench.procs import (
    ROOT,
    PeakRSS,
    Proc,
    Processes,
    drop_database,
    free_port,
    python,
    scalar,
    wait_http,
)
from bench.procs import run as run_command
from registry.settings import Settings


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


class Bench:
    """One run's state; the phases (bench/preparation.py, bench/http_phases.py, ...) use it."""

    data: data.DataSet  # the generated declarations (bench/preparation.py)
    fresh_used = 0  # fresh candidacies evaluated so far (bench/http_phases.py)

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

    def start_api(self, name: str, **extra: str) -> tuple[Proc, str]:
        proc, url = self.uvicorn(name, "service.app:app_factory", {**self.env, **extra})
        wait_http(f"{url}/healthz", proc)
        self.rss.watch("api_worker", proc, children=True)
        return proc, url

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

"""The load generator: a separate process that drives one HTTP phase, bounded in count and time.

    python -m bench.load PLAN.json RESULT.json

The plan names the base URL, the method, the requests to cycle through (path, JSON body,
bearer token), the number of concurrent clients, a warm-up and a measured duration, and a
cap on the number of requests: every run is bounded in count and in time.

Closed-loop phases (each client sends its next request when the last one is answered) run
`wrk` when it is on PATH (`apt-get install wrk`): C, event-driven, a small fraction of a core
at these rates, so the server, not the client, sets the pace. `bench/load.lua` walks the
plan's requests (each thread its own stride, so every evaluation targets its own fresh
candidacy), sets the per-request bearer token and Content-Type, counts the responses by
status and prints wrk's latency percentiles as JSON. The warm-up is a separate wrk run, the
measured run continues with the next requests. wrk's latency percentiles cover every
answered request (non-2xx included); they come from its histogram.

Without wrk (or with "tool": "httpx", and always for open-loop phases with `rate` and for
the lag phase) the requests are sent with httpx and asyncio: one shared client, keep-alive
connections up to the concurrency, uvloop when installed. Its client CPU is much higher
(one Python process near 100% means the client, not the server, set the pace), so
`bench.machine` warns that the figures are then client-bound. With `rate`, it is open-loop
(requests start at that rate, at most `concurrency` at once).

With `lag`, each acknowledged write's `position` is watched in the read models' tracking
table (polled every millisecond or so): the lag is the time from the acknowledgement to the
first poll that sees the position (zero if it was visible already).

The result (the same keys for both tools, plus "tool"): counts per status, throughput of
successful requests, latency percentiles, how busy the client was (CPU seconds per second
of the client process, wrk's threads summed) and the lag percentiles.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import math
import os
import re
import resource
import shutil
import sqlite3
import ssl
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 50) * 1000, 3),
        "p90_ms": round(percentile(values, 90) * 1000, 3),
        "p99_ms": round(percentile(values, 99) * 1000, 3),
        "max_ms": round(max(values, default=0.0) * 1000, 3),
    }


class LagWatch:
    """Polls the lowest projected position; resolves acknowledged positions as they show."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.seen = 0
        self.pending: list[tuple[int, float]] = []  # (position, acknowledged at)
        self.lags: list[float] = []
        self.polls = 0
        self._stop = asyncio.Event()

    def acknowledged(self, position: int, at: float) -> None:
        if position <= self.seen:
            self.lags.append(0.0)
        else:
            heapq.heappush(self.pending, (position, at))

    def _resolve(self, position: int, now: float) -> None:
        self.seen = max(self.seen, position)
        while self.pending and self.pending[0][0] <= self.seen:
            _, at = heapq.heappop(self.pending)
            self.lags.append(max(0.0, now - at))

    async def run(self) -> None:
        if self.spec["kind"] == "postgres":
            import asyncpg

            conn = await asyncpg.connect(self.spec["dsn"])
            query = f'SELECT min(position) FROM "{self.spec["schema"]}".tracking'
            try:
                while not self._stop.is_set():
                    position = await conn.fetchval(query)
                    self._resolve(int(position or 0), time.perf_counter())
                    self.polls += 1
                    await asyncio.sleep(0.001)
            finally:
                await conn.close()
        else:
            db = sqlite3.connect(self.spec["path"], check_same_thread=False)
            try:
                while not self._stop.is_set():
                    row = await asyncio.to_thread(
                        lambda: db.execute("SELECT min(position) FROM tracking").fetchone()
                    )
                    self._resolve(int(row[0] or 0), time.perf_counter())
                    self.polls += 1
                    await asyncio.sleep(0.001)
            finally:
                db.close()

    async def finish(self, timeout: float = 15.0) -> None:
        deadline = time.perf_counter() + timeout
        while self.pending and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        self._stop.set()

    def result(self) -> dict[str, Any]:
        return {**summary_ms(self.lags), "samples": len(self.lags), "unresolved": len(self.pending)}


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    items: list[dict[str, Any]] = plan["items"]
    method = plan.get("method", "GET")
    concurrency = int(plan["concurrency"])
    warmup, duration = float(plan.get("warmup", 1.0)), float(plan["duration"])
    max_requests = int(plan["max_requests"])
    rate = plan.get("rate")
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    pending_consistency = 0
    sent = 0
    watch = LagWatch(plan["lag"]) if plan.get("lag") else None
    counter = itertools.count()
    # One client per concurrent request, each with one keep-alive connection: httpcore's
    # shared pool does work proportional to its connections on every request, which made
    # a single 64-connection client crawl (tens of requests a second at 64 clients).
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(30.0)

    tls = ssl.create_default_context()  # one for all (each client would load its own)

    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=plan["base_url"], limits=limits, timeout=timeout, verify=tls
                )
            )
            for _ in range(concurrency)
        ]
        cpu_at_start = time.process_time()
        start = time.perf_counter()
        measured_from = start + warmup
        deadline = measured_from + duration

        async def one(index: int, c: httpx.AsyncClient) -> None:
            nonlocal pending_consistency, sent
            sent += 1
            item = items[index % len(items)]
            headers = {"Authorization": f"Bearer {item['token']}"} if item.get("token") else {}
            began = time.perf_counter()
            try:
                response = await c.request(
                    method, item["path"], json=item.get("body"), headers=headers
                )
            except httpx.HTTPError as error:
                if began >= measured_from:
                    statuses[f"error:{type(error).__name__}"] += 1
                return
            done = time.perf_counter()
            if began < measured_from:
                return  # warm-up
            statuses[str(response.status_code)] += 1
            if response.is_success:
                latencies.append(done - began)
                if response.headers.get("Registry-Consistency") == "pending":
                    pending_consistency += 1
                if watch is not None:
                    watch.acknowledged(int(response.json()["position"]), done)

        async def client(c: httpx.AsyncClient) -> None:
            while time.perf_counter() < deadline:
                index = next(counter)
                if index >= max_requests:
                    return
                await one(index, c)

        watcher = asyncio.create_task(watch.run()) if watch is not None else None
        if rate:
            idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
            for c in clients:
                idle.put_nowait(c)
            tasks: set[asyncio.Task[None]] = set()
            late = 0

            async def limited(index: int) -> None:
                c = await idle.get()  # at most `concurrency` requests at once
                try:
                    await one(index, c)
                finally:
                    idle.put_nowait(c)

            interval = 1.0 / float(rate)
            due = start
            for index in range(max_requests):
                now = time.perf_counter()
                if now >= deadline:
                    break
                if due > now:
                    await asyncio.sleep(due - now)
                elif idle.empty():
                    late += 1  # every client busy: the server is behind the offered rate
                task = asyncio.create_task(limited(index))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                due += interval
            if tasks:
                await asyncio.gather(*tasks)
            statuses["late_starts"] = late
        else:
            await asyncio.gather(*(client(c) for c in clients))
        ended = time.perf_counter()
        cpu = (time.process_time() - cpu_at_start) / max(ended - start, 1e-9)
        if watch is not None and watcher is not None:
            await watch.finish()
            await watcher

    measured = max(ended - measured_from, 1e-9)
    ok = len(latencies)
    result: dict[str, Any] = {
        "name": plan.get("name", ""),
        "tool": "httpx",
        "concurrency": concurrency,
        "rate_offered": rate,
        "sent": sent,
        "requests": sum(v for k, v in statuses.items() if k != "late_starts"),
        "ok": ok,
        "statuses": dict(statuses),
        "seconds": round(measured, 3),
        "throughput": round(ok / measured, 1),
        **summary_ms(latencies),
        "client_cpu": round(cpu, 3),
        "consistency_pending": pending_consistency,
    }
    if watch is not None:
        result["lag"] = watch.result()
    return result


# wrk ------------------------------------------------------------------------------------
WRK_SCRIPT = Path(__file__).with_name("load.lua")
WRK_RESULT = re.compile(r"^WRK_RESULT (\{.*\})$", re.MULTILINE)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def tool_for(plan: dict[str, Any]) -> str:
    """wrk for closed-loop phases when it is installed; httpx otherwise (and on request)."""
    tool = str(plan.get("tool", "auto"))
    if plan.get("rate") or plan.get("lag"):
        return "httpx"  # open-loop and lag-watching runs need the Python loader
    if tool == "httpx":
        return "httpx"
    if wrk_path() is None:
        if tool == "wrk":
            raise RuntimeError("wrk was asked for but is not on PATH (apt-get install wrk)")
        return "httpx"
    return "wrk"


def write_items(path: Path, method: str, items: list[dict[str, Any]]) -> None:
    """The requests for bench/load.lua: METHOD, PATH, TOKEN, BODY, tab-separated."""
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            body = item.get("body")
            text = "" if body is None else json.dumps(body, ensure_ascii=False)
            fields = [method, str(item["path"]), str(item.get("token") or ""), text]
            if any(c in f for f in fields for c in "\t\n\r"):
                raise ValueError(f"a tab or line break in a request: {fields!r}")
            out.write("\t".join(fields) + "\n")


def _wrk_once(
    plan: dict[str, Any], items: Path, seconds: float, offset: int, quota: int
) -> tuple[dict[str, Any], float]:
    """One wrk run; its parsed result and the CPU seconds it used."""
    concurrency = int(plan["concurrency"])
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    argv = [
        str(wrk_path()),
        "-t",
        str(threads),
        "-c",
        str(concurrency),
        "-d",
        f"{max(1, math.ceil(seconds))}s",  # wrk takes whole seconds
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        str(plan["base_url"]).rstrip("/") + "/",
        "--",
        str(items),
        str(offset),
        str(quota),
        str(threads),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = WRK_RESULT.search(done.stdout)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result: dict[str, Any] = json.loads(found.group(1))
    return result, cpu


def run_wrk(plan: dict[str, Any], items_path: Path) -> dict[str, Any]:
    """The plan with wrk: a warm-up run, then the measured run from the next request on."""
    items: list[dict[str, Any]] = plan["items"]
    write_items(items_path, str(plan.get("method", "GET")), items)
    warmup, duration = float(plan.get("warmup", 1.0)), float(plan["duration"])
    max_requests = int(plan["max_requests"])
    warm_sent = 0
    if warmup > 0:
        warm, _ = _wrk_once(plan, items_path, warmup, 0, max_requests)
        warm_sent = warm["max_index"] + 1
    quota = max(1, max_requests - warm_sent)
    run, cpu = _wrk_once(plan, items_path, duration, warm_sent, quota)
    # Every thread stopped at its quota: measure up to then, not to the end of the run.
    stopped_early = run["stopped_span_us"] > 0
    seconds = (run["stopped_span_us"] if stopped_early else run["duration_us"]) / 1e6
    statuses: Counter[str] = Counter({str(k): int(v) for k, v in run["statuses"].items()})
    for kind in ("connect", "read", "write", "timeout"):
        if run["errors"][kind]:
            statuses[f"error:{kind}"] += int(run["errors"][kind])
    ok = sum(n for code, n in statuses.items() if code.startswith("2"))
    latency = run["latency_us"]
    return {
        "name": plan.get("name", ""),
        "tool": "wrk",
        "concurrency": int(plan["concurrency"]),
        "rate_offered": None,
        "sent": max(warm_sent, run["max_index"] + 1),
        "requests": sum(statuses.values()),
        "ok": ok,
        "statuses": dict(statuses),
        "seconds": round(seconds, 3),
        "throughput": round(ok / max(seconds, 1e-9), 1),
        "p50_ms": round(latency["p50"] / 1000, 3),
        "p90_ms": round(latency["p90"] / 1000, 3),
        "p99_ms": round(latency["p99"] / 1000, 3),
        "max_ms": round(latency["max"] / 1000, 3),
        "client_cpu": round(cpu / max(run["duration_us"] / 1e6, 1e-9), 3),
        "consistency_pending": int(run["pending"]),
        "count_bound": stopped_early,
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m bench.load PLAN.json RESULT.json", file=sys.stderr)
        return 2
    plan = json.loads(Path(args[0]).read_text())
    if tool_for(plan) == "wrk":
        items = Path(args[1]).with_suffix(".requests.tsv")
        try:
            result = run_wrk(plan, items)
        finally:
            items.unlink(missing_ok=True)
        Path(args[1]).write_text(json.dumps(result, indent=2))
        return 0
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        result = runner.run(run(plan))
    Path(args[1]).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

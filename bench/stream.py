"""The live event stream under load: N subscribers on one API process, events appended at
half the maximum append rate, every event delivered to every subscriber; delivery latency
(the event's timestamp -> received) and memory per idle subscriber (RSS delta / N)."""

from __future__ import annotations

import asyncio
import gc
import re
import statistics
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import httpx
import psutil
import uvloop

from bench.context import Bench, log
from bench.procs import Proc, free_port, python, wait_http
from cli.common import open_registry

FRAME = re.compile(rb'id: (\d+)\nevent: [^\n]*\ndata: \{.*?"timestamp":"([^"]+)"')
CATEGORY = "C3851"
PROBE_SECONDS = 3.0  # measuring the maximum append rate
WRITERS = 4  # concurrent writers while measuring it
WARM_UP_SECONDS = 3.0  # appending at the measured rate before the measurement


class Listener(asyncio.Protocol):
    """One subscriber on a raw connection: what arrived and when, parsed after the run (the
    bench's own loop must keep up with 1,000 of them, or it measures itself)."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.chunks: list[tuple[float, bytes]] = []
        self.connected = asyncio.Event()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.chunks.append((time.time(), data))
        if not self.connected.is_set():
            self.connected.set()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def received(self) -> tuple[list[int], list[float], bool]:
        """The positions received, each one's latency, and whether it was cut off."""
        positions: list[int] = []
        latencies: list[float] = []
        buffer = b""
        for now, chunk in self.chunks:
            buffer += chunk
            end = 0
            for found in FRAME.finditer(buffer):
                positions.append(int(found.group(1)))
                stamp = datetime.fromisoformat(found.group(2).decode()).timestamp()
                latencies.append(now - stamp)
                end = found.end()
            buffer = buffer[end:]
        return positions, latencies, b"event: cutoff" in buffer


def _complete(positions: list[int], first: int, appended: int) -> bool:
    """Whether it received every event appended after `first`, once each, in order."""
    got = [p for p in positions if p > first]
    return len(got) == appended and got == sorted(set(got))


def _api(bench: Bench, name: str, projections: bool) -> tuple[Proc, str, int]:
    """One uvicorn worker, running the projections in-process or not."""
    port = free_port()
    argv = python(
        "-m", "uvicorn", "service.app:app_factory", "--factory", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--limit-concurrency", "100000", "--backlog", "4096",
    )  # fmt: skip
    env = {
        **bench.env,
        "REGISTRY_RUN_PROJECTIONS": "true" if projections else "false",
        "REGISTRY_STREAM_QUEUE": "10000",
    }
    proc = bench.procs.start(name, argv, env)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", proc)
    return proc, url, port


@dataclass
class Layout:
    """The processes of the phase: the stream's API, the API written to (the same process
    on SQLite), and the projection worker (PostgreSQL only)."""

    stream: Proc
    stream_port: int
    writer: Proc
    writer_url: str
    worker: Proc | None

    @classmethod
    def start(cls, bench: Bench) -> Layout:
        if bench.args.sqlite:  # embedded: one process runs everything
            proc, url, port = _api(bench, "stream_api", projections=True)
            return cls(proc, port, proc, url, None)
        # As deployed on PostgreSQL: the subscribers' API process only serves; writes go to
        # another API process and the projection worker projects.
        worker = bench.procs.start(
            "stream_worker", python("-m", "projections.running.worker"), bench.env
        )
        writer, url, _ = _api(bench, "stream_writer_api", projections=False)
        stream, _, port = _api(bench, "stream_api", projections=False)
        return cls(stream, port, writer, url, worker)

    def processes(self) -> dict[str, Proc]:
        found = {"stream_api": self.stream, "writer_api": self.writer}
        if self.worker is not None:
            found["projection_worker"] = self.worker
        return found

    def stop(self, bench: Bench) -> None:
        for proc in {id(p): p for p in self.processes().values()}.values():
            bench.procs.stop(proc)


async def _rename(client: httpx.AsyncClient, token: str, n: int) -> None:
    """One rename of the category: sent again while another rename of it won the race (409)."""
    while True:
        answer = await client.post(
            f"/v1/categories/{CATEGORY}/names",
            json={"name_en": f"Refrigerators {n}", "reason": "bench"},
            headers={"Authorization": f"Bearer {token}"},
        )
        if answer.status_code != 409:
            answer.raise_for_status()
            return


async def _max_rate(url: str, token: str) -> float:
    """Appends a second, WRITERS writing as fast as the API answers."""
    done = 0
    deadline = time.monotonic() + PROBE_SECONDS

    async def writer(client: httpx.AsyncClient, first: int) -> None:
        nonlocal done
        n = first
        while time.monotonic() < deadline:
            await _rename(client, token, n)
            n += WRITERS
            done += 1

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        started = time.monotonic()
        await asyncio.gather(*(writer(client, i) for i in range(WRITERS)))
        return done / (time.monotonic() - started)


async def _paced(
    url: str, token: str, rate: float, seconds: float, names: int
) -> tuple[int, list[float]]:
    """Append at `rate` a second for `seconds` (each on time, concurrently): how many, and
    each write's answer time (a write answers once the read models hold it). The category's
    names are numbered from `names`."""
    answered: list[float] = []

    async def timed(n: int) -> None:
        sent = time.monotonic()
        await _rename(client, token, names + n)
        answered.append(time.monotonic() - sent)

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        started = time.monotonic()
        tasks = []
        n = 0
        while (elapsed := time.monotonic() - started) < seconds:
            tasks.append(asyncio.create_task(timed(n)))
            n += 1
            await asyncio.sleep(max(0.0, n / rate - elapsed))
        await asyncio.gather(*tasks)
        return n, sorted(answered)


async def _quiet(listeners: list[Listener], seconds: float, limit: float) -> None:
    """Wait until no listener has received anything for `seconds` (at most `limit`)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        last = max((e.chunks[-1][0] for e in listeners if e.chunks), default=0.0)
        if time.time() - last >= seconds:
            return
        await asyncio.sleep(0.2)


async def _measure(bench: Bench, layout: Layout, token: str) -> dict[str, Any]:
    subscribers, proc, port, url = (
        bench.args.subscribers,
        layout.stream,
        layout.stream_port,
        layout.writer_url,
    )
    rate = await _max_rate(url, token)
    log(f"stream: maximum append rate {rate:.0f}/s; {subscribers} subscribers connect")
    before = proc.process.memory_info().rss
    loop = asyncio.get_running_loop()
    request = f"GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    listeners = [Listener(request) for _ in range(subscribers)]
    for each in listeners:
        await loop.create_connection(lambda each=each: each, "127.0.0.1", port)  # type: ignore[misc]
    await asyncio.wait_for(asyncio.gather(*(e.connected.wait() for e in listeners)), 120)
    await asyncio.sleep(2)  # idle: keep-alives only
    idle = proc.process.memory_info().rss
    first = max((max(e.received()[0], default=0) for e in listeners), default=0)
    # The listeners keep every chunk: a full collection over them would stall the bench's
    # own loop and count as latency.
    gc.disable()
    # Warm-up, not measured: the first load after 1,000 connections moves their objects
    # into the collector's oldest generation once (a 100-200 ms pause, never again).
    warm, _ = await _paced(url, token, rate / 2, WARM_UP_SECONDS, names=1_000_000)
    await _quiet(listeners, 0.5, 60)
    mark = max((max(e.received()[0], default=0) for e in listeners), default=0)
    log(f"stream: {subscribers} subscribers connected and warm; appending")
    processes = {k: v.process for k, v in layout.processes().items()}
    processes["bench"] = psutil.Process()
    cpu, started = {k: _cpu(v) for k, v in processes.items()}, time.monotonic()
    appended, writes = await _paced(url, token, rate / 2, bench.args.duration, names=2_000_000)
    log(f"stream: {appended} events appended at {rate / 2:.0f}/s; waiting for delivery")
    await _quiet(listeners, 1.0, 60)
    wall = time.monotonic() - started
    shares = {f"cpu_share_{k}": round((_cpu(v) - cpu[k]) / wall, 2) for k, v in processes.items()}
    for each in listeners:
        each.close()
    gc.enable()
    received = [each.received() for each in listeners]
    latencies = sorted(
        x for positions, lat, _ in received for p, x in zip(positions, lat, strict=True) if p > mark
    )
    complete = sum(
        1 for positions, _, _ in received if _complete(positions, first, warm + appended)
    )
    # Per event: when its first subscriber got it (the write path, the projection, the read)
    # and how long the rest took (the fan-out).
    by_event: dict[int, list[float]] = {}
    for positions, lat, _ in received:
        for p, x in zip(positions, lat, strict=True):
            if p > mark:
                by_event.setdefault(p, []).append(x)
    firsts = sorted(min(xs) for xs in by_event.values())
    spreads = sorted(max(xs) - min(xs) for xs in by_event.values())
    return {
        "subscribers": subscribers,
        "max_append_rate": round(rate, 1),
        "append_rate": round(rate / 2, 1),
        "appended": appended,
        "warm_up_appended": warm,
        "subscribers_with_every_event": complete,
        "cut_off": sum(1 for _, _, cut in received if cut),
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "latency_p90_ms": _ms(latencies, 0.9),
        "latency_max_ms": _ms(latencies, 1.0),
        "write_answered_p50_ms": _ms(writes, 0.5),
        "write_answered_p99_ms": _ms(writes, 0.99),
        "first_subscriber_p50_ms": _ms(firsts, 0.5),
        "first_subscriber_p99_ms": _ms(firsts, 0.99),
        "fan_out_p50_ms": _ms(spreads, 0.5),
        "fan_out_p99_ms": _ms(spreads, 0.99),
        **shares,
        "rss_before_mb": round(before / 2**20, 1),
        "rss_idle_mb": round(idle / 2**20, 1),
        "kib_per_idle_subscriber": round((idle - before) / 1024 / subscribers, 1),
    }


def _ms(values: list[float], quantile: float) -> float | None:
    """The `quantile` of sorted seconds, in milliseconds."""
    return round(1000 * values[int(quantile * (len(values) - 1))], 1) if values else None


def _cpu(process: psutil.Process) -> float:
    """A process's CPU seconds so far (user + system)."""
    times = process.cpu_times()
    return float(times.user + times.system)


def step_stream(bench: Bench) -> None:
    """The stream phase (`--only stream`, `--subscribers N`)."""
    layout = Layout.start(bench)
    url = layout.writer_url
    with open_registry(bench.settings) as registry:
        token = registry.bootstrap_credential(role="admin", subject="bench", label="stream")[
            "token"
        ]
    deadline = time.monotonic() + 30
    with httpx.Client(base_url=url, timeout=30) as client:
        while True:  # the API learns of the credential once its projections have it
            answer = client.post(
                "/v1/categories",
                json={"code": CATEGORY, "name_zh": "家用电冰箱", "name_en": "Refrigerators"},
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 401 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        answer.raise_for_status()
    # uvloop, as the API runs: the bench's own loop must not be what is measured.
    uvloop.install()
    results = asyncio.run(_measure(bench, layout, token))
    results["layout"] = "one process" if layout.worker is None else "stream API, writer API, worker"
    bench.results["stream"] = results
    log(f"stream: {results}")
    layout.stop(bench)

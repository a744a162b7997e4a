"""The live event stream under load: N subscribers on one API process, events appended at
half the maximum append rate, every event delivered to every subscriber; delivery latency
(the event's timestamp -> received) and memory per idle subscriber (RSS delta / N)."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from datetime import datetime
from typing import Any

import httpx

from bench.context import Bench, log
from bench.procs import Proc, free_port, python, wait_http
from cli.common import open_registry

FRAME = re.compile(rb'id: (\d+)\nevent: [^\n]*\ndata: \{.*?"timestamp":"([^"]+)"')
CATEGORY = "C3851"
PROBE_SECONDS = 3.0  # measuring the maximum append rate
WRITERS = 4  # concurrent writers while measuring it


class Listener:
    """One subscriber on a raw connection: the positions it received and their latencies."""

    def __init__(self) -> None:
        self.positions: list[int] = []
        self.latencies: list[float] = []
        self.connected = asyncio.Event()
        self.cut = False

    async def run(self, host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /v1/events/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        buffer = b""
        try:
            while chunk := await reader.read(65536):
                now = time.time()
                self.connected.set()
                buffer += chunk
                end = 0
                for found in FRAME.finditer(buffer):
                    self.positions.append(int(found.group(1)))
                    stamp = datetime.fromisoformat(found.group(2).decode()).timestamp()
                    self.latencies.append(now - stamp)
                    end = found.end()
                self.cut = self.cut or b"event: cutoff" in buffer
                buffer = buffer[end:][-65536:]
        finally:
            writer.close()


def _complete(listener: Listener, first: int, appended: int) -> bool:
    """Whether it received every event appended after `first`, once each, in order."""
    got = [p for p in listener.positions if p > first]
    return len(got) == appended and got == sorted(set(got))


def _api(bench: Bench) -> tuple[Proc, str, int]:
    """One uvicorn worker, running the projections in-process."""
    port = free_port()
    argv = python(
        "-m", "uvicorn", "service.app:app_factory", "--factory", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--limit-concurrency", "100000", "--backlog", "4096",
    )  # fmt: skip
    env = {**bench.env, "REGISTRY_RUN_PROJECTIONS": "true", "REGISTRY_STREAM_QUEUE": "10000"}
    proc = bench.procs.start("stream_api", argv, env)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/healthz", proc)
    return proc, url, port


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


async def _paced(url: str, token: str, rate: float, seconds: float) -> int:
    """Append at `rate` a second for `seconds` (each on time, concurrently): how many."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        started = time.monotonic()
        tasks = []
        n = 0
        while (elapsed := time.monotonic() - started) < seconds:
            tasks.append(asyncio.create_task(_rename(client, token, 1_000_000 + n)))
            n += 1
            await asyncio.sleep(max(0.0, n / rate - elapsed))
        await asyncio.gather(*tasks)
        return n


async def _measure(bench: Bench, proc: Proc, url: str, port: int, token: str) -> dict[str, Any]:
    subscribers = bench.args.subscribers
    rate = await _max_rate(url, token)
    log(f"stream: maximum append rate {rate:.0f}/s; {subscribers} subscribers connect")
    before = proc.process.memory_info().rss
    listeners = [Listener() for _ in range(subscribers)]
    tasks = [asyncio.create_task(each.run("127.0.0.1", port)) for each in listeners]
    await asyncio.wait_for(asyncio.gather(*(e.connected.wait() for e in listeners)), 120)
    await asyncio.sleep(2)  # idle: keep-alives only
    idle = proc.process.memory_info().rss
    first = max((max(e.positions, default=0) for e in listeners), default=0)
    appended = await _paced(url, token, rate / 2, bench.args.duration)
    log(f"stream: {appended} events appended at {rate / 2:.0f}/s; waiting for delivery")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(len([p for p in e.positions if p > first]) >= appended for e in listeners):
            break
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(
        x for e in listeners for p, x in zip(e.positions, e.latencies, strict=True) if p > first
    )
    complete = sum(1 for e in listeners if _complete(e, first, appended))
    return {
        "subscribers": subscribers,
        "max_append_rate": round(rate, 1),
        "append_rate": round(rate / 2, 1),
        "appended": appended,
        "subscribers_with_every_event": complete,
        "cut_off": sum(1 for e in listeners if e.cut),
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "rss_before_mb": round(before / 2**20, 1),
        "rss_idle_mb": round(idle / 2**20, 1),
        "kib_per_idle_subscriber": round((idle - before) / 1024 / subscribers, 1),
    }


def step_stream(bench: Bench) -> None:
    """The stream phase (`--only stream`, `--subscribers N`)."""
    proc, url, port = _api(bench)
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
    results = asyncio.run(_measure(bench, proc, url, port, token))
    bench.results["stream"] = results
    log(f"stream: {results}")
    bench.procs.stop(proc)

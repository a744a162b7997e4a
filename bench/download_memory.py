"""A whole list downloaded as CSV while the API workers' memory is watched.

The download is read in this process, as fast as it comes, and thrown away (its lines
counted); meanwhile a thread samples the resident set of each API worker every 20 ms. The
growth is the largest rise of any worker over its resident set just before (the sizes given
are that worker's): a download streamed in constant memory grows it by about the same few MB
whatever the rows.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import httpx
import psutil

from bench.procs import Proc


def workers(proc: Proc) -> list[psutil.Process]:
    """The uvicorn worker processes of an API (not the supervisor, nor helpers)."""
    found = []
    with contextlib.suppress(psutil.Error):
        for child in proc.process.children(recursive=False):
            with contextlib.suppress(psutil.Error):
                if "resource_tracker" not in " ".join(child.cmdline()):
                    found.append(child)
    return found


def _rss(processes: list[psutil.Process]) -> dict[int, int]:
    sizes = {}
    for p in processes:
        with contextlib.suppress(psutil.Error):
            sizes[p.pid] = p.memory_info().rss
    return sizes


class Sampler:
    """The peak resident set of each process while running (a thread, every `interval`)."""

    def __init__(self, processes: list[psutil.Process], interval: float = 0.02) -> None:
        self.processes = processes
        self.interval = interval
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="download-rss", daemon=True)

    def _loop(self) -> None:
        while True:
            for pid, size in _rss(self.processes).items():
                self.peak[pid] = max(self.peak.get(pid, 0), size)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)


def download(proc: Proc, url: str, path: str, timeout: float = 1800.0) -> dict[str, Any]:
    """GET `path` as a stream: status, rows, bytes, seconds and the workers' RSS growth."""
    processes = workers(proc)
    before = _rss(processes)
    lines = size = 0
    first_byte: float | None = None
    headers: dict[str, str] = {}
    status = 0
    truncated = False
    started = time.perf_counter()
    with (
        Sampler(processes) as sampler,
        httpx.stream("GET", url + path, timeout=httpx.Timeout(60.0)) as response,
    ):
        status = response.status_code
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower().startswith("registry-") or k.lower() == "content-type"
        }
        for chunk in response.iter_bytes(1 << 16):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            lines += chunk.count(b"\n")
            size += len(chunk)
            if time.perf_counter() - started > timeout:
                truncated = True
                break
    seconds = time.perf_counter() - started
    after = _rss(processes)
    growth = {pid: sampler.peak.get(pid, 0) - before[pid] for pid in before if pid in sampler.peak}
    rows = max(0, lines - 1)  # the header line
    # The worker that grew most (the one that served the download, as a rule).
    pid = max(growth, key=lambda p: growth[p], default=None)
    return {
        "path": path,
        "status": status,
        "csv": headers.get("content-type", "").startswith("text/csv"),
        "headers": headers,
        "rows": rows,
        "mb": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "first_byte_s": round(first_byte or 0.0, 3),
        "rows_per_s": round(rows / seconds, 1) if seconds else 0.0,
        "rss_before_mb": round(before.get(pid, 0) / 2**20, 1) if pid else None,
        "rss_peak_mb": round(sampler.peak.get(pid, 0) / 2**20, 1) if pid else None,
        "rss_after_mb": round(after.get(pid, 0) / 2**20, 1) if pid else None,
        "rss_growth_mb": round(growth[pid] / 2**20, 1) if pid else None,
        "complete": not truncated,
    }

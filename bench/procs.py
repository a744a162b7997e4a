"""Processes and databases the benchmark starts, watches and always cleans up."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import httpx
import psutil
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A child process in its own session, logging to a file, stopped with its children."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            list(argv),
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.process = psutil.Process(self.popen.pid)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the child's own process group, SIGKILL if it lingers."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        else:  # the leader is gone; make sure none of its group lingers
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self._log.close()


class Processes:
    """Every process the benchmark started; `stop_all` ends them (also on failure)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[Proc] = []

    def start(self, name: str, argv: Sequence[str], env: dict[str, str]) -> Proc:
        proc = Proc(name, argv, env, self.logs)
        self.running.append(proc)
        return proc

    def stop(self, proc: Proc) -> None:
        proc.stop()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.running)):
            with contextlib.suppress(Exception):
                self.stop(proc)


def wait_http(url: str, proc: Proc, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited:\n{proc.tail()}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout:.0f} s:\n{proc.tail()}")


def run(
    argv: Sequence[str], env: dict[str, str], log: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion (bounded), its output kept in `log`; raise on failure."""
    with log.open("a") as out:
        done = subprocess.run(
            list(argv),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=out,
            text=True,
            timeout=timeout,
            check=False,
        )
        out.write(done.stdout)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"{' '.join(argv)} failed with status {done.returncode}:\n{tail}")
    return done


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


# Memory -------------------------------------------------------------------------------
def _peak_kib(pid: int) -> int | None:
    """The kernel's high-water mark of the process's resident set (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class PeakRSS:
    """Samples the RSS of named process trees (keeping each role's largest single process)
    and reads their CPU time."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.roots: dict[str, tuple[psutil.Process, bool]] = {}
        self.peak_mb: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss", daemon=True)
        self._thread.start()

    def watch(self, role: str, proc: Proc, *, children: bool = False) -> None:
        """Follow `proc` (or, with children=True, each of its worker processes)."""
        with self._lock:
            self.roots[role] = (proc.process, children)

    def forget(self, role: str) -> None:
        self.sample()
        with self._lock:
            self.roots.pop(role, None)

    def _processes(self, root: psutil.Process, children: bool) -> Iterator[psutil.Process]:
        if not children:
            yield root
            return
        with contextlib.suppress(psutil.Error):
            for child in root.children(recursive=False):
                with contextlib.suppress(psutil.Error):
                    if "resource_tracker" not in " ".join(child.cmdline()):
                        yield child

    def sample(self) -> None:
        with self._lock:
            roots = dict(self.roots)
        for role, (root, children) in roots.items():
            for p in self._processes(root, children):
                with contextlib.suppress(psutil.Error):
                    rss = p.memory_info().rss / 2**20
                    hwm = _peak_kib(p.pid)
                    mb = max(rss, hwm / 1024 if hwm else 0.0)
                    self.peak_mb[role] = max(self.peak_mb.get(role, 0.0), mb)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user and system) so far of each watched role's processes, and of the
        PostgreSQL server's (every process named postgres, whichever database it serves)."""
        with self._lock:
            roots = dict(self.roots)
        totals: dict[str, float] = {}
        groups = {role: list(self._processes(root, kids)) for role, (root, kids) in roots.items()}
        groups["postgresql"] = [
            p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"
        ]
        for role, processes in groups.items():
            for p in processes:
                with contextlib.suppress(psutil.Error):
                    times = p.cpu_times()
                    totals[role] = totals.get(role, 0.0) + times.user + times.system
        return totals

    def close(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join(5)
        return {k: round(v, 1) for k, v in self.peak_mb.items()}


# Databases ----------------------------------------------------------------------------
def create_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def scalar(dsn: str, query: str, params: Sequence[Any] = ()) -> Any:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[call-overload,unused-ignore]
        return row[0] if row else None

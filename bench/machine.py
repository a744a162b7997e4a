"""Where the benchmark runs: the machine, the database server and the HTTP load tool."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import psycopg

from bench import load as load_client
from bench.context import Bench, log


def machine(bench: Bench) -> dict[str, Any]:
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
    if not bench.args.sqlite:
        with psycopg.connect(bench.args.server, autocommit=True) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            for name in ("fsync", "synchronous_commit", "shared_buffers"):
                info[f"pg_{name}"] = conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
    return info


def load_tool(bench: Bench) -> str:
    """Which client drives the closed-loop HTTP phases (see bench/load.py)."""
    wrk = load_client.wrk_path()
    if bench.args.load_tool == "httpx":
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

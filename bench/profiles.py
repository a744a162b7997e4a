"""py-spy profiles of the hot phases (`--profile`), summarised by bench/profile.py."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.context import Bench, log
from bench.options import RESULTS
from bench.procs import (
    ROOT,
    Proc,
)


def profile_worker(bench: Bench, name: str, api: Proc) -> dict[str, Any] | None:
    children = [
        c for c in api.process.children() if "resource_tracker" not in " ".join(c.cmdline())
    ]
    if not children:
        return None
    seconds = int(bench.args.warmup + bench.args.duration)
    return profile_start(bench, name, children[0].pid, seconds)


def profile_start(bench: Bench, name: str, pid: int, seconds: int) -> dict[str, Any] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        log("py-spy not found: pip install py-spy")
        return None
    out = bench.work / f"profile-{name.replace('@', '-')}.txt"
    proc = bench.procs.start(
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
        bench.env,
    )
    return {"name": name, "proc": proc, "out": out}


def profile_finish(bench: Bench, profile: dict[str, Any] | None) -> None:
    if profile is None:
        return
    from bench import profile as summarise

    proc: Proc = profile["proc"]
    # py-spy ends by itself after its duration; a late one is stopped below.
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.popen.wait(60)
    bench.procs.stop(proc)
    out: Path = profile["out"]
    if out.exists():
        RESULTS.mkdir(exist_ok=True)
        kept = RESULTS / out.name
        shutil.copy(out, kept)
        bench.profiles[profile["name"]] = summarise.summary(out.read_text())
        bench.profiles[profile["name"]]["file"] = str(kept.relative_to(ROOT))
    else:
        log(f"py-spy wrote no profile for {profile['name']}:\n{proc.tail()}")

"""A throw-away PostgreSQL cluster of the test's own, on its own port, that a test may stop."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/registry"

    def run(self, tool: str, *args: str) -> None:
        # PostgreSQL refuses to run as root: as the `postgres` user then.
        sudo = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*sudo, str(self.bin / tool), *args], check=True, capture_output=True, timeout=60
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A fresh cluster with an empty database `registry`; removed afterwards."""
    if not BINARIES:
        reason = "no PostgreSQL server binaries under /usr/lib/postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; this test must not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="registry-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(Path(BINARIES[-1]), root, free_port())
    try:
        cluster.run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "--no-sync")
        cluster.start()
        with psycopg.connect(cluster.url.replace("/registry", "/postgres"), autocommit=True) as c:
            c.execute("CREATE DATABASE registry")
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            cluster.stop("immediate")
        shutil.copytree(
            root,
            "/tmp/proj-last-cluster",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("data"),
        )
        shutil.rmtree(root, ignore_errors=True)

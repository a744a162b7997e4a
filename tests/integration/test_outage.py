"""A real PostgreSQL server restarted under write load: 503 with Retry-After while it is
down (never a 500), the worker stays up, nothing acknowledged is lost, all recover alone."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.integration.pg_cluster import Cluster, free_port, throwaway_cluster


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as running:
        yield running


@dataclass
class Load:
    """Writes (and reads) without pause, noting every answer."""

    base: str
    token: str
    stop: threading.Event = field(default_factory=threading.Event)
    answers: list[tuple[str, int, str | None]] = field(
        default_factory=list
    )  # route, status, Retry-After
    acknowledged: list[str] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    def run(self) -> None:
        while not self.stop.is_set() and not self.failures:
            self.round()

    def round(self) -> None:
        """One write, one read of the feed, one readiness check."""
        auth = {"Authorization": f"Bearer {self.token}"}
        body = {
            "name": f"Body {len(self.answers)}",
            "kind": "testing_institute",
            "categories": ["C3851"],
        }
        with httpx.Client(base_url=self.base, timeout=30) as client:
            try:
                written = client.post("/v1/evaluation-bodies", json=body, headers=auth)
                self.note("write", written)
                if written.status_code == 201:
                    self.acknowledged.append(written.json()["id"])
                self.note("events", client.get("/v1/events", params={"limit": 5}))
                self.note("readyz", client.get("/readyz"))
            except httpx.HTTPError as error:  # the API itself must stay up
                self.failures.append(error)

    def note(self, route: str, response: httpx.Response) -> None:
        self.answers.append((route, response.status_code, response.headers.get("Retry-After")))


def start(module: list[str], settings: Settings, log: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        REGISTRY_DATABASE_URL=settings.database_url,
        REGISTRY_RUN_PROJECTIONS="false",
        REGISTRY_POLL_INTERVAL="0.1",
        REGISTRY_SWEEP_INTERVAL="0.5",
        REGISTRY_CONSISTENCY_TIMEOUT="2",
        # The load writes as fast as it can: the per-token rate limit is not under test.
        REGISTRY_WRITE_RATE="100000",
        REGISTRY_WRITE_BURST="100000",
    )
    with open(log, "wb") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, *module], env=env, stderr=stderr)


def caught_up(response: httpx.Response) -> bool:
    """Ready, with every projection at the head of the log."""
    projections = response.json().get("projections", {}).values()
    return response.status_code == 200 and all(p["lag_events"] == 0 for p in projections)


def wait_ready(base: str, procs: list[subprocess.Popen[bytes]], seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        for p in procs:
            assert p.poll() is None, f"{p.args!r} exited {p.returncode}"
        try:
            response = httpx.get(base + "/readyz", timeout=10)
            if caught_up(response) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.2)


def test_a_database_restart_under_write_load_is_survived(cluster: Cluster) -> None:
    settings = Settings(database_url=cluster.url)
    registry = LeaderRegistry(env=settings.event_store_env())
    token = registry.bootstrap_credential(role="admin", subject="ops", label="")["token"]
    registry.close()
    port = free_port()
    api = start(
        ["-m", "uvicorn", "service.app:app_factory", "--factory", "--port", str(port)],
        settings,
        str(cluster.root / "api.log"),
    )
    worker = start(["-m", "projections.running.worker"], settings, str(cluster.root / "worker.log"))
    procs = [api, worker]
    base = f"http://127.0.0.1:{port}"
    load = Load(base, token)
    writer = threading.Thread(target=load.run, daemon=True)
    try:
        assert caught_up(wait_ready(base, procs, 30))
        writer.start()
        time.sleep(1.5)
        cluster.stop("fast")  # a restart, held down for a while
        down = time.monotonic()
        time.sleep(0.5)
        probe = Load(base, token)  # one write, one read, readiness: all while it is down
        probe.stop.set()
        probe.round()
        assert [(route, status) for route, status, _ in probe.answers] == [
            ("write", 503),
            ("events", 503),
            ("readyz", 503),
        ], (probe.answers, probe.failures)
        assert all(after is not None for route, _, after in probe.answers if route != "readyz")
        time.sleep(max(0.0, 5.0 - (time.monotonic() - down)))
        cluster.start()
        time.sleep(3.0)
        load.stop.set()
        writer.join(40)
        started = time.monotonic()
        ready = wait_ready(base, procs, 30)
        assert caught_up(ready), ready.text
        assert time.monotonic() - started < 10  # the worker is back at once, not in minutes
        assert not load.failures, (load.failures, (cluster.root / "api.log").read_text()[-5000:])

        statuses = {(route, status) for route, status, _ in load.answers}
        assert all(status in (200, 201, 503) for _, status in statuses), statuses
        refused = [(route, after) for route, status, after in load.answers if status == 503]
        assert all(after is not None for route, after in refused if route != "readyz"), refused
        last = max(i for i, (_, status, _) in enumerate(load.answers) if status == 503)
        assert any(status == 201 for _, status, _ in load.answers[last:])  # writes resumed

        assert worker.poll() is None and api.poll() is None
        with httpx.Client(base_url=base, timeout=10) as client:
            for body_id in load.acknowledged:  # nothing acknowledged is lost, all projected
                assert client.get(f"/v1/evaluation-bodies/{body_id}").status_code == 200
    finally:
        load.stop.set()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

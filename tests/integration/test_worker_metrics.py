"""The projection worker serves its counters when given a port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def applied(url: str) -> dict[str, float]:
    """The worker's applied events per projection, or {} while it does not answer."""
    try:
        text = httpx.get(url, timeout=5).text
    except httpx.TransportError:
        return {}
    return {
        sample.labels["projection"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "registry_projection_applied_events_total"
    }


def test_the_worker_counts_what_each_projection_applied(store: Settings) -> None:
    clock = Clock()
    registry = LeaderRegistry(env=store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    head = int(registry.recorder.max_notification_id() or 0)
    registry.close()
    port = free_port()
    env = dict(
        os.environ,
        REGISTRY_DATABASE_URL=store.database_url,
        REGISTRY_POLL_INTERVAL="0.2",
        REGISTRY_WORKER_METRICS_PORT=str(port),
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "projections.running.worker"], env=env, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        counts: dict[str, float] = {}
        while counts.get("audit") != head and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else b""
            time.sleep(0.2)
            counts = applied(f"http://127.0.0.1:{port}/metrics")
        assert counts.get("audit") == head  # the audit tree reads every event
        assert set(counts) == {
            "records",
            "candidacies",
            "history",
            "credentials",
            "audit",
            "status_history",
            "enterprises",
            "search",
            "notice_log",
            "subscriptions",
        }
        assert 0 < counts["candidacies"] < head
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)

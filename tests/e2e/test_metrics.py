"""`GET /metrics`: the Prometheus text format, parsed by prometheus_client's own parser."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli.main import main
from domain.evaluation_body import EvaluationBody
from registry.base import WriteConflict
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.worlds import ADMIN

PROJECTIONS = {
    "records",
    "candidacies",
    "history",
    "credentials",
    "audit",
    "status_history",
    "enterprises",
    "search",
    "notice_log",
}
BODY = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


class Metrics(Api):
    """The service, scraped for its metrics."""

    async def scrape(self) -> Samples:
        response = await self.client.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain; version=")
        assert response.headers["cache-control"] == "no-store"
        samples: Samples = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
        return samples

    async def write(self, body: Mapping[str, object]) -> httpx.Response:
        return await self.post("/v1/evaluation-bodies", body, self.admin)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Metrics]:
    async with serve(settings, clock) as api:
        yield Metrics.of(api)


async def test_after_a_write_every_projection_is_at_the_head(api: Metrics) -> None:
    before = await api.scrape()
    created = await api.write(BODY)
    assert created.status_code == 201, created.text
    assert "registry-consistency" not in created.headers
    body_id = created.json()["id"]
    assert (await api.client.get(f"/v1/evaluation-bodies/{body_id}")).status_code == 200
    assert (await api.client.get("/v1/no-such-thing")).status_code == 404
    for _ in range(2):  # the second is answered from the read cache, past the router
        assert (await api.client.get("/v1/leaders")).status_code == 200

    after = await api.scrape()
    head = api.head()
    assert value(after, "registry_log_position") == head
    for name in PROJECTIONS:
        assert value(after, "registry_projection_position", projection=name) == head
        assert value(after, "registry_projection_lag_events", projection=name) == 0
        assert value(after, "registry_projection_lag_seconds", projection=name) == 0
        assert value(after, "registry_projection_halted", projection=name) == 0
        assert value(after, "registry_projection_errors_total", projection=name) == 0
    # Every event is a leaf of the audit tree; the records projection read the new body.
    assert value(after, "registry_projection_applied_events_total", projection="audit") == head
    applied = "registry_projection_applied_events_total"
    assert value(after, applied, projection="records") > value(
        before, applied, projection="records"
    )
    assert value(after, "registry_appends_total") == value(before, "registry_appends_total") + 1
    assert value(after, "registry_append_conflicts_total") == 0
    assert value(after, "registry_audit_tree_size") == head
    assert value(after, "registry_database_up") == 1

    # Requests by route template and status, never by raw path (the id is not a label).
    http = "registry_http_requests_total"
    assert value(after, http, method="POST", route="/v1/evaluation-bodies", status="201") == 1
    route = "/v1/evaluation-bodies/{body_id}"
    assert value(after, http, method="GET", route=route, status="200") == 1
    assert value(after, http, method="GET", route="unmatched", status="404") == 1
    assert value(after, http, method="GET", route="/v1/leaders", status="200") == 2
    assert not any(body_id in dict(labels).get("route", "") for _, labels in after)
    # /metrics is not answered from the read cache: each scrape counts the one before it.
    assert value(after, http, method="GET", route="/metrics", status="200") == 1
    again = await api.scrape()
    assert value(again, http, method="GET", route="/metrics", status="200") == 2


async def test_a_request_refused_before_routing_counts_under_its_route(api: Metrics) -> None:
    limit = api.app.state.settings.max_body_bytes
    refused = await api.write({**BODY, "name": "x" * limit})
    assert refused.status_code == 413, refused.text
    samples = await api.scrape()
    http = "registry_http_requests_total"
    assert value(samples, http, method="POST", route="/v1/evaluation-bodies", status="413") == 1


async def test_a_write_conflict_is_counted(api: Metrics) -> None:
    registry = api.app.state.registry
    created = await api.write(BODY)
    body_id = created.json()["id"]
    first = registry.load(EvaluationBody, body_id, "evaluation body")
    second = registry.load(EvaluationBody, body_id, "evaluation body")
    first.suspend(reason="audit", actor=ADMIN, at=api.clock())
    second.suspend(reason="audit", actor=ADMIN, at=api.clock())
    registry.commit(first)
    with pytest.raises(WriteConflict):
        registry.commit(second)
    samples = await api.scrape()
    assert value(samples, "registry_append_conflicts_total") == 1


async def test_tree_size_and_checkpoint_age_after_audit_checkpoint(
    api: Metrics, store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await api.write(BODY)).status_code == 201
    unsigned = await api.scrape()
    assert ("registry_audit_checkpoint_age_seconds", frozenset()) not in unsigned

    # The command line signs, as an operator would, against the same store.
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    key = tmp_path / "audit.key"
    assert (
        main(["audit", "keys", "create", "--name", "registry.test/audit", "--out", str(key)]) == 0
    )
    monkeypatch.setenv("REGISTRY_AUDIT_SIGNING_KEY_FILE", str(key))
    assert main(["audit", "checkpoint"]) == 0
    latest = (await api.client.get("/v1/audit/checkpoints/latest")).json()
    api.clock.now = datetime.fromisoformat(latest["created_at"]) + timedelta(seconds=120)
    signed = await api.scrape()
    head = api.head()
    assert value(signed, "registry_audit_tree_size") == head
    assert value(signed, "registry_audit_checkpoint_tree_size") == head
    assert value(signed, "registry_audit_checkpoint_age_seconds") == 120


async def test_lag_in_events_and_seconds_while_projections_wait(
    settings: Settings, clock: Clock
) -> None:
    async with serve(settings.model_copy(update={"run_projections": False}), clock) as served:
        api = Metrics.of(served)
        registry = api.app.state.registry
        registry.register_body(ADMIN, **BODY)
        clock.advance(seconds=5)
        samples = await api.scrape()
        tracked = value(samples, "registry_projection_position", projection="records")
        assert value(samples, "registry_projection_lag_events", projection="records") == (
            api.head() - tracked
        )
        assert api.head() - tracked >= 2  # the credential and the body
        # The oldest waiting event is the credential, recorded 5 s before the scrape.
        assert value(samples, "registry_projection_lag_seconds", projection="records") == 5


SCRIPT = """
import sys
from registry.settings import Settings
from service.app import create_app
metrics = create_app(Settings()).state.metrics
if sys.argv[1] == "count":
    metrics.http.labels("GET", "/healthz", "200").inc()
else:
    body, _ = metrics.exposition(None)
    sys.stdout.write(body.decode())
"""


def test_counters_are_summed_over_processes_with_a_multiprocess_directory(
    tmp_path: Path,
) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": ""}

    def run(mode: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, mode],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    run("count")
    run("count")  # a second process, as a second uvicorn worker
    families = {f.name: f for f in text_string_to_metric_families(run("scrape"))}
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    samples = families["registry_http_requests"].samples
    assert [s.value for s in samples if s.labels == labels and s.name.endswith("_total")] == [2]

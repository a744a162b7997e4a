"""Liveness and readiness for an orchestrator, with the real read side."""

from __future__ import annotations

from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import serve


async def test_ready_when_caught_up_and_not_when_a_projection_lags(
    store: Settings, clock: Clock
) -> None:
    settings = store.model_copy(update={"run_projections": False, "ready_max_lag_events": 1})
    async with serve(settings, clock, admin=False) as api:
        app, registry, client = api.app, api.registry, api.client
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        report = ready.json()
        assert report["schema_revision"] == report["schema_head"]
        projections = {
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
        assert set(report["projections"]) == projections

        # Events the (stopped) projections have not seen: four (each credential and its
        # public grant) behind > limit of one.
        registry.bootstrap_credential(role="admin", subject="a", label="")
        registry.bootstrap_credential(role="admin", subject="b", label="")
        clock.advance(seconds=5)
        lagging = await client.get("/readyz")
        assert lagging.status_code == 503
        lag = lagging.json()["projections"]["records"]
        assert lag["lag_events"] == 4 and lag["lag_seconds"] == 5.0 and not lag["ok"]

        app.state.read_side.follower.catch_up()
        assert (await client.get("/readyz")).status_code == 200


async def test_a_first_start_on_an_empty_database_creates_every_table(
    empty_store: Settings, clock: Clock
) -> None:
    # Every other test here starts on a copy already at the current schema.
    async with serve(empty_store, clock) as api:
        ready = await api.client.get("/readyz")
        assert ready.status_code == 200, ready.text
        report = ready.json()
        assert report["schema_head"] is not None
        assert report["schema_revision"] == report["schema_head"]
        assert api.head() > 0  # the admin credential, recorded in the tables it created
        await api.settle()

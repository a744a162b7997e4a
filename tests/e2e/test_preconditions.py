"""Clients' optimistic concurrency: reads carry an ETag, a stale If-Match gets 412."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The service, its client sending as the national platform."""
    async with serve(settings, clock, admin=False) as api:
        registry = api.registry
        api.sign_in(
            registry.bootstrap_credential(role="platform", subject="feed", label="")["token"]
        )
        yield api


DECLARATION = {
    "enterprise": {
        "credit_code": make_credit_code("91", "120000", 5),
        "name": "A",
        "region": "120000",
    },
    "standard_number": "Q/12A 0001-2025",
    "title": "Refrigerator",
    "product": {"name": "Refrigerator", "model": "BCD-1", "category": "C3851"},
    "indicators": {"eei": "50"},
    "disclosed_on": "2025-01-15",
    "commitment": True,
}
REVISION = {
    k: DECLARATION[k] for k in ("title", "product", "indicators", "disclosed_on", "commitment")
}


async def test_stale_if_match_is_refused_and_changes_nothing(
    api: Api,
) -> None:
    client, registry = api.client, api.registry
    created = (await client.post("/v1/declarations", json=DECLARATION)).json()
    path = f"/v1/declarations/{created['id']}"
    first = await client.get(path)
    assert first.headers["etag"] == '"1"'

    revised = await client.post(path + "/revisions", json=REVISION, headers={"If-Match": '"1"'})
    assert revised.status_code == 200, revised.text
    assert (await client.get(path)).headers["etag"] == '"2"'

    before = registry.recorder.max_notification_id()
    for stale in ('"1"', 'W/"1"', "garbage"):
        refused = await client.post(
            path + "/withdrawal", json={"reason": "x"}, headers={"If-Match": stale}
        )
        assert refused.status_code == 412, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["field"] == "If-Match"
    assert registry.recorder.max_notification_id() == before

    done = await client.post(path + "/withdrawal", json={"reason": "x"}, headers={"If-Match": "*"})
    assert done.status_code == 200, done.text
    assert (await client.get(path)).json()["status"] == "withdrawn"

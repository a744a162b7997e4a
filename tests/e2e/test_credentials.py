"""Credentials over HTTP, on both stores, with the real read side: create, list, rotate,
revoke and expire; last-used times; and no token anywhere it should not be."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from domain.credential import hash_token
from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, assert_problem, serve

# Answers that may carry a token: the token is shown there once.
TOKEN_ANSWERS = ("/v1/credentials", "/rotation")


@dataclass
class Credentials(Api):
    """The service, keeping every answer it gave (to look for tokens where none belong)."""

    answers: list[tuple[str, httpx.Response]] = field(default_factory=list)

    async def request(
        self, method: str, path: str, token: str | None, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        response = await self.client.request(method, path, headers=headers, **kwargs)
        self.answers.append((f"{method} {path}", response))
        return response

    async def issue(self, role: str = "admin", subject: str = "ops-2", **extra: Any) -> Any:
        body = {"role": role, "subject": subject, "label": f"{role} {subject}", **extra}
        response = await self.request("POST", "/v1/credentials", self.admin, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def listing(self, token: str | None = None, **params: Any) -> Any:
        response = await self.request("GET", "/v1/credentials", token or self.admin, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def row(self, credential_id: str) -> dict[str, Any]:
        page = await self.listing(include_revoked=True, limit=200)
        rows: dict[str, dict[str, Any]] = {item["id"]: item for item in page["items"]}
        return rows[credential_id]

    async def works(self, token: str) -> bool:
        """Whether an admin token authenticates (200) or is refused as unknown (401)."""
        response = await self.request("GET", "/v1/credentials", token)
        assert response.status_code in (200, 401), response.text
        return response.status_code == 200

    def noted(self) -> None:
        """Wait for the last-used recorder's background writes."""
        self.app.state.read_side.last_used.drain()


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Credentials]:
    async with serve(settings, clock) as api:
        yield Credentials.of(api)


async def test_a_created_credential_is_listed_without_its_token_or_hash(api: Credentials) -> None:
    issued = await api.issue("regulator", "Tianjin AMR", expires_at="2026-03-01T09:00:00+00:00")
    assert set(issued) == {"id", "position", "token"} and issued["token"].startswith("lr_")
    assert len(issued["token"]) >= 40

    response = await api.request("GET", "/v1/credentials", api.admin)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    page = response.json()
    assert page["total"] == 2 and (page["limit"], page["offset"]) == (50, 0)
    item = next(i for i in page["items"] if i["id"] == issued["id"])
    assert item == {
        "id": issued["id"],
        "role": "regulator",
        "subject": "Tianjin AMR",
        "label": "regulator Tianjin AMR",
        "status": "active",
        "created_at": "2025-03-01T09:00:00+00:00",
        "created_by": {"role": "admin", "subject": "ops"},
        "expires_at": "2026-03-01T09:00:00+00:00",
        "last_used_at": None,
        "revoked_at": None,
        "revocation_reason": None,
        "replaces": None,
        "replaced_by": None,
        "region": "000000",  # a regulator issued without a region is national
        "version": 1,
    }
    for secret in (issued["token"], hash_token(issued["token"]), api.admin, hash_token(api.admin)):
        assert secret not in response.text
    assert "hash" not in response.text


async def test_the_list_filters_and_pages(api: Credentials) -> None:
    await api.issue("regulator", "Tianjin AMR")
    await api.issue("regulator", "Beijing AMR")
    platform = await api.issue("platform", "national-platform")
    api.clock.advance(minutes=1)
    await api.request("POST", f"/v1/credentials/{platform['id']}/revocation", api.admin)

    assert (await api.listing(role="regulator"))["total"] == 2
    assert [i["subject"] for i in (await api.listing(subject="Beijing AMR"))["items"]] == [
        "Beijing AMR"
    ]
    assert (await api.listing(role="platform"))["total"] == 0
    revoked = (await api.listing(role="platform", include_revoked=True))["items"]
    assert [(i["status"], i["revoked_at"]) for i in revoked] == [
        ("revoked", "2025-03-01T09:01:00+00:00")
    ]
    first = await api.listing(limit=2)
    second = await api.listing(limit=2, offset=2)
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(ids) == 3
    for params, name in (({"limit": 0}, "limit"), ({"role": "wizard"}, "role")):
        response = await api.request("GET", "/v1/credentials", api.admin, params=params)
        assert_problem(response, 422, name)


async def test_rotation_replaces_the_token_at_once(api: Credentials) -> None:
    old = await api.issue(expires_at="2025-09-01T00:00:00+00:00")
    assert await api.works(old["token"])
    api.clock.advance(minutes=5)

    response = await api.request("POST", f"/v1/credentials/{old['id']}/rotation", api.admin)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    new = response.json()
    assert set(new) == {"id", "position", "token"}
    assert new["id"] != old["id"] and new["token"] != old["token"]

    assert not await api.works(old["token"]), "the old token must stop working at once"
    assert await api.works(new["token"])
    refused = await api.request("GET", "/v1/credentials", old["token"])
    assert_problem(refused, 401)
    assert "revoked" in refused.json()["detail"]

    old_row, new_row = await api.row(old["id"]), await api.row(new["id"])
    assert old_row["status"] == "revoked" and old_row["replaced_by"] == new["id"]
    assert old_row["revocation_reason"] == "rotated"
    assert old_row["revoked_at"] == new_row["created_at"] == "2025-03-01T09:05:00+00:00"
    assert new_row["replaces"] == old["id"] and new_row["status"] == "active"
    for key in ("role", "subject", "label", "expires_at"):
        assert new_row[key] == old_row[key], key
    # Rotated credentials leave the default list; their successors stay.
    listed = {i["id"] for i in (await api.listing())["items"]}
    assert new["id"] in listed and old["id"] not in listed
    # Both changes are one save: consecutive positions, the new one's answered.
    assert new["position"] == api.registry.recorder.max_notification_id()

    again = await api.request("POST", f"/v1/credentials/{old['id']}/rotation", api.admin)
    assert_problem(again, 409)
    unknown = "/v1/credentials/6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10/rotation"
    assert_problem(await api.request("POST", unknown, api.admin), 404)


async def test_the_listed_version_is_the_if_match_for_rotation_and_revocation(
    api: Credentials,
) -> None:
    old, other = await api.issue(), await api.issue("regulator", "Beijing AMR")
    listed = await api.row(old["id"])
    assert listed["version"] == 1
    if_match = {"If-Match": f'"{listed["version"]}"'}

    path = f"/v1/credentials/{old['id']}/rotation"
    rotated = await api.request("POST", path, api.admin, headers=if_match)
    assert rotated.status_code == 201, rotated.text
    assert (await api.row(old["id"]))["version"] == 2  # rotation revoked it
    assert (await api.row(rotated.json()["id"]))["version"] == 1

    # The version read before the rotation is stale now: 412, and nothing recorded.
    before = api.registry.recorder.max_notification_id()
    path = f"/v1/credentials/{old['id']}/revocation"
    stale = await api.request("POST", path, api.admin, headers=if_match)
    assert_problem(stale, 412, "If-Match")
    assert api.registry.recorder.max_notification_id() == before

    version = (await api.row(other["id"]))["version"]
    path = f"/v1/credentials/{other['id']}/revocation"
    revoked = await api.request("POST", path, api.admin, headers={"If-Match": f'"{version}"'})
    assert revoked.status_code == 200, revoked.text
    assert (await api.row(other["id"]))["status"] == "revoked"


async def test_concurrent_rotations_of_one_credential_give_one_successor(api: Credentials) -> None:
    old = await api.issue()
    path = f"/v1/credentials/{old['id']}/rotation"
    answers = await asyncio.gather(*(api.request("POST", path, api.admin) for _ in range(3)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409], [r.text for r in answers]
    winner = next(r.json() for r in answers if r.status_code == 201)
    assert (await api.row(old["id"]))["replaced_by"] == winner["id"]
    assert await api.works(winner["token"])


async def test_a_revoked_token_is_refused_at_once(api: Credentials) -> None:
    issued = await api.issue()
    assert await api.works(issued["token"])
    response = await api.request("POST", f"/v1/credentials/{issued['id']}/revocation", api.admin)
    assert response.status_code == 200, response.text
    assert not await api.works(issued["token"])
    row = await api.row(issued["id"])
    assert row["status"] == "revoked" and row["revocation_reason"] is None
    assert row["replaced_by"] is None
    rotated = await api.request("POST", f"/v1/credentials/{issued['id']}/rotation", api.admin)
    assert_problem(rotated, 409)


async def test_an_expired_token_is_refused_at_once(api: Credentials) -> None:
    expires = api.clock.now + timedelta(hours=1)
    issued = await api.issue(expires_at=expires.isoformat())
    assert await api.works(issued["token"])
    api.clock.advance(hours=1)
    assert not await api.works(issued["token"]), "refused from the moment of expiry"
    row = await api.row(issued["id"])
    assert row["status"] == "expired" and row["revoked_at"] is None
    rotated = await api.request("POST", f"/v1/credentials/{issued['id']}/rotation", api.admin)
    assert "expired" in assert_problem(rotated, 409)["detail"]


async def test_last_use_is_noted_at_most_once_a_minute(api: Credentials) -> None:
    issued = await api.issue()
    api.noted()
    assert (await api.row(issued["id"]))["last_used_at"] is None
    before = api.registry.recorder.max_notification_id()

    assert await api.works(issued["token"])
    api.noted()
    first = api.clock.now.isoformat()
    assert (await api.row(issued["id"]))["last_used_at"] == first

    api.clock.advance(seconds=30)
    assert await api.works(issued["token"])
    api.noted()
    assert (await api.row(issued["id"]))["last_used_at"] == first, "throttled within a minute"

    api.clock.advance(seconds=31)
    assert await api.works(issued["token"])
    api.noted()
    assert (await api.row(issued["id"]))["last_used_at"] == api.clock.now.isoformat()
    # Using a token records nothing in the event log.
    assert api.registry.recorder.max_notification_id() == before


async def test_only_administrators_may_list_credentials(api: Credentials) -> None:
    body = await api.request(
        "POST",
        "/v1/evaluation-bodies",
        api.admin,
        json={"name": "Tianjin Institute", "kind": "testing_institute", "categories": ["C3852"]},
    )
    subjects = {
        "regulator": "Tianjin AMR",
        "platform": "national-platform",
        "enterprise": make_credit_code("91", "120000", 42),
        "evaluation_body": body.json()["id"],
    }
    for role, subject in subjects.items():
        token = (await api.issue(role, subject))["token"]
        response = await api.request("GET", "/v1/credentials", token)
        problem = assert_problem(response, 403)
        assert role in problem["detail"]
    for token in (None, "lr_not-a-token", "nonsense"):
        response = await api.request("GET", "/v1/credentials", token)
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


async def test_no_token_is_in_the_log_the_feed_the_answers_or_the_log_lines(
    api: Credentials, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = [api.admin]
    issued = await api.issue("regulator", "Tianjin AMR")
    tokens.append(issued["token"])
    second = await api.issue()
    tokens.append(second["token"])
    assert await api.works(second["token"])
    rotated = await api.request("POST", f"/v1/credentials/{second['id']}/rotation", api.admin)
    tokens.append(rotated.json()["token"])
    await api.request("POST", f"/v1/credentials/{issued['id']}/revocation", api.admin)
    await api.works(tokens[1])  # refused: revoked
    await api.works(tokens[2])  # refused: rotated
    await api.request("GET", "/v1/credentials", tokens[1] + "x")  # unknown
    await api.listing(include_revoked=True)
    api.noted()

    feed = await api.client.get("/v1/events", params={"limit": 1000})
    assert feed.status_code == 200
    # Only the public grants: who may act as whom, without a token or its hash.
    assert {e["aggregate_type"] for e in feed.json()["items"]} == {"AccessGrant"}
    assert not any(hash_token(token) in feed.text for token in tokens)
    api.answers.append(("GET /v1/events", feed))

    stored = api.registry.recorder.select_notifications(start=0, limit=10_000)
    assert [n.topic.rsplit(".", 1)[-1] for n in stored].count("Issued") == 4
    for token in tokens:
        assert all(token.encode() not in n.state for n in stored), "a token in the event log"
        assert token not in caplog.text, "a token in a log line"
        for request, response in api.answers:
            shows_it = response.status_code == 201 and request.endswith(TOKEN_ANSWERS)
            if not shows_it:
                assert token not in response.text, request
                assert token not in str(response.headers), request

"""Who may act for whom is public: every credential's grant, issuer and revocation, for
anyone to read, and never a token or its hash."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve

CODE = make_credit_code("91", "120000", 4242)


@dataclasses.dataclass
class Admin(Api):
    """An administrator over HTTP, keeping every token it was shown, and an anonymous
    reader beside it."""

    tokens: list[str] = dataclasses.field(default_factory=list)

    async def write(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.post(path, body, self.admin)
        assert response.status_code in (200, 201), response.text
        if "token" in response.json():
            self.tokens.append(response.json()["token"])
        return response.json()

    async def settled(self, path: str, **params: Any) -> httpx.Response:
        """An anonymous read, once the read models include every write so far."""
        await self.settle()
        return await self.read(path, **params)


@pytest.fixture
async def admin(settings: Settings, clock: Clock) -> AsyncIterator[Admin]:
    async with serve(settings, clock) as api:
        yield Admin.of(api, tokens=[api.admin])


async def test_anyone_sees_who_may_act_as_a_body_and_never_its_token(admin: Admin) -> None:
    """Regression: an admin could mint a body's token and nobody outside could see it."""
    body = await admin.write(
        "/v1/evaluation-bodies",
        {"name": "Tianjin Institute", "kind": "testing_institute", "categories": ["C3851"]},
    )
    issued = await admin.write(
        "/v1/credentials", {"role": "evaluation_body", "subject": body["id"], "label": "lab"}
    )
    rotated = await admin.write(f"/v1/credentials/{issued['id']}/rotation")
    regulator = await admin.write("/v1/credentials", {"role": "regulator", "subject": "AMR"})
    await admin.write(f"/v1/credentials/{regulator['id']}/revocation")
    await admin.write("/v1/credentials", {"role": "enterprise", "subject": CODE})

    feed = await admin.settled("/v1/events", limit=1000)
    granted = [e for e in feed.json()["items"] if e["type"] == "AccessGrant.Granted"]
    first = next(e for e in granted if e["data"]["credential_id"] == issued["id"])
    assert first["data"]["role"] == "evaluation_body"
    assert first["data"]["subject"] == body["id"]
    assert (first["actor"]["role"], first["actor"]["subject"]) == ("admin", "ops")
    assert first["timestamp"] is not None
    assert "token_hash" not in first["data"] and "label" not in first["data"]
    revoked = [e for e in feed.json()["items"] if e["type"] == "AccessGrant.Revoked"]
    assert sorted(e["data"]["reason"] for e in revoked) == ["", "rotated"]

    page = (
        await admin.settled("/v1/access-grants", role="evaluation_body", subject=body["id"])
    ).json()
    assert page["total"] == 2
    by_id = {g["credential_id"]: g for g in page["items"]}
    old, new = by_id[issued["id"]], by_id[rotated["id"]]
    assert old["status"] == "revoked" and old["revocation_reason"] == "rotated"
    assert old["revoked_by"] == {"role": "admin", "subject": "ops"}
    assert old["issued_by"] == {"role": "admin", "subject": "ops"}
    assert new["status"] == "active" and new["replaces"] == issued["id"]
    assert new["issued_at"] == old["revoked_at"] == first["timestamp"]
    grants = (await admin.settled("/v1/access-grants", role="regulator")).json()["items"]
    assert [(g["subject"], g["status"]) for g in grants] == [("AMR", "revoked")]
    history = (await admin.settled(f"/v1/enterprises/{CODE}/history")).json()
    assert [(e["type"], e["data"]["role"]) for e in history] == [
        ("AccessGrant.Granted", "enterprise")
    ]

    # No token and no token hash in any public read (the admin's own token included).
    export = await admin.settled("/v1/audit/export", limit=1000)
    assert b"AccessGrant.Granted" in export.content  # public leaves, in full
    public = [feed, export, await admin.settled("/v1/access-grants", limit=200)]
    public.append(await admin.settled(f"/v1/enterprises/{CODE}/history"))
    assert len(admin.tokens) == 5
    for token in admin.tokens:
        for secret in (token, hashlib.sha256(token.encode()).hexdigest()):
            for response in public:
                assert secret not in response.text
                assert secret not in str(response.headers)


async def test_bad_grant_filters_name_the_field(admin: Admin) -> None:
    cases: tuple[tuple[dict[str, str | int], str], ...] = (
        ({"role": "system"}, "role"),
        ({"limit": 0}, "limit"),
        ({"subject": "a\x00b"}, "subject"),  # PostgreSQL text cannot hold NUL
        ({"subject": "x" * 201}, "subject"),
    )
    for params, field in cases:
        response = await admin.client.get("/v1/access-grants", params=params)
        assert response.status_code == 422 and field in response.text

"""The whole leader lifecycle over HTTP, on both stores, with real projections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import serve

CATEGORY = "C3852"


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the service, signed in as the admin."""
    async with serve(settings, clock, signed_in=True) as api:
        yield api.client


def as_(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    token: str | None = None,
    status: int | None = None,
) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=as_(token) if token else None)
    if status is not None:
        assert response.status_code == status, response.text
    else:
        assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def scheme_body(cycle: int, top_n: int = 2) -> dict[str, Any]:
    return {
        "title": f"Room air conditioners {cycle}",
        "category": CATEGORY,
        "cycle": cycle,
        "level": "provincial",
        "region": "120000",
        "indicators": [
            {
                "code": "apf",
                "name": "Annual performance factor",
                "unit": "W/W",
                "kind": "core",
                "direction": "higher_is_better",
                "baseline": "4.50",
                "weight": "3",
            },
            {
                "code": "noise",
                "name": "Indoor noise",
                "unit": "dB(A)",
                "kind": "core",
                "direction": "lower_is_better",
                "baseline": "40",
                "weight": "1",
            },
            {
                "code": "refrigerant",
                "name": "Low-GWP refrigerant",
                "unit": "",
                "kind": "innovation",
                "direction": "higher_is_better",
                "baseline": "0",
                "weight": "0",
            },
        ],
        "top_n": top_n,
        "publicity_days": 7,
        "validity_days": 365,
    }


async def run_cycle(
    api: httpx.AsyncClient,
    clock: Clock,
    body_token: str,
    declarations: list[str],
    apf: list[str],
    cycle: int,
) -> tuple[str, list[str]]:
    scheme = await post(api, "/v1/schemes", scheme_body(cycle), body_token, status=201)
    await post(api, f"/v1/schemes/{scheme['id']}/approval", {"approved": True, "reason": ""})
    candidacies = []
    for declaration_id, value in zip(declarations, apf, strict=True):
        entered = await post(
            api,
            f"/v1/schemes/{scheme['id']}/candidates",
            {"declaration_id": declaration_id},
            body_token,
            status=201,
        )
        candidacies.append(entered["id"])
        if value == "excluded":
            evaluation = {"excluded": True, "reason": "invalid normative reference GB 12021.3-2004"}
        else:
            evaluation = {"values": {"apf": value, "noise": "38"}}
        await post(api, f"/v1/candidacies/{entered['id']}/evaluations", evaluation, body_token)
    await post(api, f"/v1/schemes/{scheme['id']}/ranking", {}, body_token)
    early = await api.post(f"/v1/schemes/{scheme['id']}/awards", json={}, headers=as_(body_token))
    assert early.status_code == 409, "the award must wait for the publicity window"
    assert early.headers["content-type"].startswith("application/problem+json")
    clock.advance(days=7)
    await post(api, f"/v1/schemes/{scheme['id']}/awards", {}, body_token)
    return scheme["id"], candidacies


async def test_full_lifecycle(api: httpx.AsyncClient, clock: Clock) -> None:
    body = await post(
        api,
        "/v1/evaluation-bodies",
        {
            "name": "China Household Electrical Appliances Research Institute",
            "kind": "testing_institute",
            "categories": [CATEGORY],
        },
        status=201,
    )
    body_token = (
        await post(
            api,
            "/v1/credentials",
            {"role": "evaluation_body", "subject": body["id"], "label": "CHEARI"},
            status=201,
        )
    )["token"]
    regulator = (
        await post(
            api,
            "/v1/credentials",
            {"role": "regulator", "subject": "Tianjin AMR", "label": "market supervision"},
        )
    )["token"]
    platform = (
        await post(
            api,
            "/v1/credentials",
            {"role": "platform", "subject": "national-platform", "label": "feed"},
        )
    )["token"]

    codes = [make_credit_code("91", "120000", 7000 + n) for n in range(4)]
    declarations = []
    for n, code in enumerate(codes):
        declared = await post(
            api,
            "/v1/declarations",
            {
                "enterprise": {"credit_code": code, "name": f"空调制造 {n}", "region": "120000"},
                "standard_number": f"Q/12AC {n:04d}-2025",
                "title": "房间空气调节器",
                "product": {
                    "name": "Room air conditioner",
                    "model": f"KFR-35GW/{n}",
                    "category": CATEGORY,
                },
                "indicators": {"apf": "5.2", "noise": "38"},
                "disclosed_on": "2025-01-15",
                "commitment": True,
            },
            platform,
            status=201,
        )
        assert declared["position"] > 0
        declarations.append(declared["id"])

    # Cycle 2025: 5.40 and 5.20 tie below 5.60? No: 5.60 first, then a tie, one excluded.
    scheme_2025, c2025 = await run_cycle(
        api, clock, body_token, declarations, ["5.60", "5.20", "5.20", "excluded"], 2025
    )
    ranking = await get(api, f"/v1/schemes/{scheme_2025}/ranking")
    assert [e["rank"] for e in ranking["items"]] == [1, 2, 2]
    assert all(e["qualified"] for e in ranking["items"]), "ties at the cut-off are all included"
    assert ranking["items"][0]["breakdown"][0]["code"] == "apf"
    assert ranking["counts"]["not_ranked"] == 1
    not_ranked = await get(api, f"/v1/schemes/{scheme_2025}/ranking", section="not_ranked")
    assert not_ranked["items"][0]["reason"].startswith("invalid normative reference")

    leaders = await get(api, "/v1/leaders", category=CATEGORY)
    assert leaders["total"] == 3
    awarded_at = clock.now

    # A consumer complaint is dismissed; a regulator's fraud complaint is upheld and revokes.
    clock.advance(days=20)
    dismissed = await post(
        api,
        "/v1/complaints",
        {
            "candidacy_id": c2025[1],
            "complainant_kind": "consumer",
            "grounds": "nonconformity",
            "description": "louder than declared",
            "evidence": ["video-1"],
        },
        regulator,
        status=201,
    )
    assert (await get(api, f"/v1/candidacies/{c2025[1]}"))["status"] == "under_complaint"
    await post(
        api,
        f"/v1/complaints/{dismissed['id']}/decision",
        {"upheld": False, "findings": "retest within declared level"},
        regulator,
    )
    upheld = await post(
        api,
        "/v1/complaints",
        {
            "candidacy_id": c2025[0],
            "complainant_kind": "regulator",
            "grounds": "fraud",
            "description": "test report forged",
            "evidence": ["report-2025-118"],
        },
        regulator,
    )
    await post(
        api,
        f"/v1/complaints/{upheld['id']}/decision",
        {"upheld": True, "findings": "forgery confirmed by the issuing laboratory"},
        regulator,
    )
    revoked = await get(api, f"/v1/candidacies/{c2025[0]}")
    assert revoked["status"] == "revoked"
    assert "forgery confirmed" in revoked["end_reason"]
    assert (await get(api, f"/v1/complaints/{dismissed['id']}"))["status"] == "dismissed"

    # The body revokes another title directly.
    await post(
        api,
        f"/v1/candidacies/{c2025[2]}/revocation",
        {"reason": "product discontinued"},
        body_token,
    )
    assert (await get(api, "/v1/leaders", category=CATEGORY))["total"] == 1
    then = await get(api, "/v1/leaders", category=CATEGORY, as_of=awarded_at.isoformat())
    assert then["total"] == 3

    # Next cycle supersedes the remaining 2025 title; a year later the 2026 list expires.
    clock.advance(days=100)
    _scheme_2026, c2026 = await run_cycle(
        api, clock, body_token, declarations, ["5.00", "5.30", "5.10", "4.90"], 2026
    )
    assert (await get(api, f"/v1/candidacies/{c2025[1]}"))["status"] == "superseded"
    current = await get(api, "/v1/leaders", category=CATEGORY)
    assert {i["candidacy_id"] for i in current["items"]} == {c2026[1], c2026[2]}
    clock.advance(days=366)
    assert (await get(api, "/v1/leaders", category=CATEGORY))["total"] == 0
    assert (await get(api, f"/v1/candidacies/{c2026[1]}"))["status"] == "expired"

    # Histories: every event with time, actor and position.
    history = await get(api, f"/v1/candidacies/{c2025[0]}/history")
    types = [e["type"] for e in history]
    assert types[0] == "Candidacy.Entered" and "Complaint.Upheld" in types
    assert types[-1] == "Candidacy.Revoked"
    actor = history[-1]["actor"]
    assert (actor["role"], actor["subject"]) == ("regulator", "Tianjin AMR")
    assert actor["credential_id"] and len(actor["request_id"]) == 32  # a generated request id
    enterprise = await get(api, f"/v1/enterprises/{codes[0]}/history")
    assert enterprise[0]["type"] == "Declaration.Declared"
    assert [e["position"] for e in enterprise] == sorted(e["position"] for e in enterprise)
    feed = (await get(api, "/v1/events", after=0, limit=5))["items"]
    assert [e["position"] for e in feed] == sorted(e["position"] for e in feed)
    everything = (await get(api, "/v1/events", limit=1000))["items"]
    assert all("token" not in str(e["data"]) for e in everything)

"""Every write endpoint at its limits, on both stores, with the real projections.

Each request has every field at its maximum (the longest texts of 4-byte characters, the
most digits, the most items, the ends of the range of moments with the most distant
offsets, the longest Idempotency-Key). Each is accepted or refused with 422 naming the
field; afterwards every projection is at the head of the log, and the records read back
whole. The limits are `domain.limits`; the requests are built from them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain import limits
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.extremes import (
    CATEGORIES,
    CODE,
    EARLIEST,
    LATEST,
    LEAST,
    MOST,
    NAME,
    TEXT,
    content,
    credential,
    declaration,
    evaluation,
    head_positions,
    scheme,
    tracked,
    wide,
)

KEYS = itertools.count()


class Limits(Api):
    """The service, written to with the longest Idempotency-Key and read back whole."""

    async def send(
        self, path: str, body: Any, token: str, *, if_match: str | None = None
    ) -> httpx.Response:
        # The longest Idempotency-Key, a new one each time.
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": str(next(KEYS)).rjust(255, "~"),
        }
        if if_match:
            headers["If-Match"] = if_match
        return await self.client.post(path, json=body, headers=headers)

    async def write(self, path: str, body: Any, token: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.send(path, body, token, **kwargs)
        assert response.status_code in (200, 201), response.text
        assert response.headers.get("registry-consistency") != "pending", response.headers
        result: dict[str, Any] = response.json()
        return result

    async def read_json(self, path: str, **params: Any) -> Any:
        return (await self.read(path, **params)).json()

    async def at_head(self) -> None:
        """Wait (a few seconds at most) until every projection is at the head of the log."""
        expected = head_positions(self.registry)
        for _ in range(100):
            if tracked(self.settings) == expected:
                return
            await asyncio.sleep(0.1)
        assert tracked(self.settings) == expected


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"write_burst": 10**6})


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Limits]:
    async with serve(settings, clock) as api:
        yield Limits.of(api)


async def test_every_write_at_its_limits_is_projected(api: Limits) -> None:
    admin = api.admin
    regulator = (await api.write("/v1/credentials", credential("regulator", NAME), admin))["token"]
    # The earliest moment is long past: refused as an expiry, naming the field.
    past = await api.send(
        "/v1/credentials", {**credential("platform", NAME), "expires_at": EARLIEST}, admin
    )
    assert past.status_code == 422 and past.json()["field"] == "expires_at", past.text

    body = {"name": NAME, "kind": "testing_institute", "categories": CATEGORIES}
    body_id = (await api.write("/v1/evaluation-bodies", body, admin))["id"]
    assessor = await api.write("/v1/credentials", credential("evaluation_body", body_id), admin)
    enterprise = await api.write("/v1/credentials", credential("enterprise", CODE), admin)
    owner = enterprise["token"]

    good, bad, excluded = [
        (await api.write("/v1/declarations", declaration(tail, MOST), owner))["id"]
        for tail in ("1", "2", "3")
    ]
    await api.write(f"/v1/declarations/{good}/revisions", content(MOST), owner, if_match='"1"')

    scheme_id = (await api.write("/v1/schemes", scheme(limits.MAX_CYCLE), assessor["token"]))["id"]
    rejected = (await api.write("/v1/schemes", scheme(limits.MIN_CYCLE), assessor["token"]))["id"]
    await api.write(f"/v1/schemes/{rejected}/approval", {"approved": False, "reason": TEXT}, admin)
    await api.write(f"/v1/schemes/{scheme_id}/approval", {"approved": True, "reason": TEXT}, admin)

    candidacies = []
    for declaration_id in (good, bad, excluded):
        entered = await api.write(
            f"/v1/schemes/{scheme_id}/candidates",
            {"declaration_id": declaration_id},
            assessor["token"],
        )
        candidacies.append(entered["id"])
    first, worse, left_out = candidacies
    await api.write(f"/v1/candidacies/{first}/evaluations", evaluation(MOST), assessor["token"])
    # Worse than every baseline: the reason it is not ranked names all of them.
    await api.write(f"/v1/candidacies/{worse}/evaluations", evaluation(LEAST), assessor["token"])
    exclusion: dict[str, Any] = {"values": None, "units": {}, "excluded": True, "reason": TEXT}
    await api.write(f"/v1/candidacies/{left_out}/evaluations", exclusion, assessor["token"])
    await api.write(f"/v1/schemes/{scheme_id}/ranking", None, assessor["token"])
    await api.write(f"/v1/schemes/{scheme_id}/awards", None, assessor["token"])

    evidence = [wide(limits.MAX_NAME, str(n)) for n in range(limits.MAX_EVIDENCE)]
    complaint = {
        "candidacy_id": first,
        "complainant_kind": "consumer",
        "grounds": "other",
        "description": TEXT,
        "evidence": evidence,
    }
    complaint_id = (await api.write("/v1/complaints", complaint, regulator))["id"]
    await api.write(f"/v1/complaints/{complaint_id}/investigation", None, regulator)
    await api.write(f"/v1/complaints/{complaint_id}/statement", {"statement": TEXT}, owner)
    decision = {"upheld": False, "findings": TEXT}
    await api.write(f"/v1/complaints/{complaint_id}/decision", decision, regulator)
    await api.write(f"/v1/candidacies/{first}/revocation", {"reason": TEXT}, regulator)
    await api.write(f"/v1/declarations/{excluded}/withdrawal", {"reason": TEXT}, owner)
    await api.write(f"/v1/evaluation-bodies/{body_id}/suspension", {"reason": TEXT}, admin)
    await api.write(f"/v1/evaluation-bodies/{body_id}/reinstatement", {"reason": TEXT}, admin)
    accreditation = {"categories": CATEGORIES[::-1][: limits.MAX_CATEGORIES - 1], "reason": TEXT}
    await api.write(f"/v1/evaluation-bodies/{body_id}/categories", accreditation, admin)
    rotated = await api.write(f"/v1/credentials/{enterprise['id']}/rotation", None, admin)
    await api.write(f"/v1/credentials/{rotated['id']}/revocation", None, admin)
    code = CATEGORIES[-1]  # the longest code, the longest names, a rename with the longest reason
    await api.write("/v1/categories", {"code": code, "name_zh": NAME, "name_en": NAME}, admin)
    rename = {"name_zh": wide(limits.MAX_NAME, "1"), "name_en": NAME, "reason": TEXT}
    await api.write(f"/v1/categories/{code}/names", rename, admin, if_match='"1"')
    signed = await api.send("/v1/audit/checkpoints", None, admin)
    assert signed.status_code in (201, 409), signed.text  # 409: no signing key configured

    await api.at_head()
    record = await api.read_json(f"/v1/declarations/{good}")
    assert (record["standard_number"], record["title"]) == (wide(limits.MAX_NAME, "1"), NAME)
    ranking = await api.read_json(f"/v1/schemes/{scheme_id}/ranking")
    assert len(ranking["items"][0]["score"]) > 80, ranking["items"][0]["score"]
    assert ranking["counts"]["not_ranked"] == 2
    complained = await api.read_json(f"/v1/complaints/{complaint_id}")
    assert (complained["evidence"], complained["statement"]) == (evidence, TEXT)
    accredited = await api.read_json(f"/v1/evaluation-bodies/{body_id}")
    assert [c["kind"] for c in accredited["changes"]] == [
        "suspended",
        "reinstated",
        "categories_changed",
    ]
    assert accredited["changes"][-1]["before"] == sorted(CATEGORIES)
    for moment in (EARLIEST, LATEST):
        await api.read_json("/v1/leaders", as_of=moment)
    catalogued = await api.read_json(f"/v1/categories/{code}")
    assert (catalogued["name_zh"], catalogued["schemes"]) == (rename["name_zh"], 2)
    assert record["category"] == code  # the declaration's product names it...
    excluded = await api.read_json(f"/v1/schemes/{scheme_id}/ranking", section="not_ranked")
    titles = [*ranking["items"], *excluded["items"]]  # ...and the titles show its name
    assert {t["product"]["category_name"] for t in titles} == {rename["name_zh"]}
    feed = await api.read_json("/v1/events", limit=1000)
    assert NAME in {event["actor"]["subject"] for event in feed["items"]}  # the regulator's


async def test_a_157_character_standard_number_and_a_score_of_39_nines_are_projected(
    api: Limits,
) -> None:
    # Reproduction: PostgreSQL refused both (varchar(100), varchar(40)) and every
    # projection stopped there, every later write answering `pending`.
    admin, number = api.admin, "Q/12JA " + "1" * 150
    body = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}
    body_id = (await api.write("/v1/evaluation-bodies", body, admin))["id"]
    assessor = (
        await api.write("/v1/credentials", {"role": "evaluation_body", "subject": body_id}, admin)
    )["token"]
    platform = (await api.write("/v1/credentials", {"role": "platform", "subject": "feed"}, admin))[
        "token"
    ]
    declared = {
        "enterprise": {"credit_code": CODE, "name": "Tianjin AC Co.", "region": "120000"},
        "standard_number": number,
        "title": "Room air conditioner",
        "product": {"name": "Room air conditioner", "model": "KFR-35", "category": "C3852"},
        "indicators": {"apf": "5.2"},
        "disclosed_on": "2025-01-15",
        "commitment": True,
    }
    declaration_id = (await api.write("/v1/declarations", declared, platform))["id"]
    apf = {
        "code": "apf",
        "name": "Annual performance factor",
        "unit": "W/W",
        "kind": "core",
        "direction": "higher_is_better",
        "baseline": "4.50",
        "weight": "1",
    }
    drafted = {**scheme(2025), "indicators": [apf], "category": "C3852", "title": "AC 2025"}
    scheme_id = (await api.write("/v1/schemes", drafted, assessor))["id"]
    await api.write(f"/v1/schemes/{scheme_id}/approval", {"approved": True, "reason": ""}, admin)
    entered = {"declaration_id": declaration_id}
    candidacy = (await api.write(f"/v1/schemes/{scheme_id}/candidates", entered, assessor))["id"]
    values = {"values": {"apf": "9" * 39}}
    await api.write(f"/v1/candidacies/{candidacy}/evaluations", values, assessor)
    await api.write(f"/v1/schemes/{scheme_id}/ranking", None, assessor)

    await api.at_head()
    assert (await api.read_json(f"/v1/declarations/{declaration_id}"))["standard_number"] == number
    score = (await api.read_json(f"/v1/candidacies/{candidacy}"))["score"]
    assert len(score) > 40 and score.startswith("2222222222"), score

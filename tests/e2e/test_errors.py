"""Refusals over HTTP: problem+json with the right status and field, and nothing recorded.

These tests need only the application, so the read side is replaced by a fake whose
`wait_for` answers at once (the lifecycle tests run the real projections).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain.credit_code import make_credit_code
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import PROBLEM, Api, FakeReadSide, assert_problem, serve

CODE = make_credit_code("91", "120000", 42)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The service with the fake read side: these tests need only the application."""
    async with serve(settings, clock, read_side=FakeReadSide) as api:
        yield api


def declaration(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enterprise": {"credit_code": CODE, "name": "Tianjin AC Co.", "region": "120000"},
        "standard_number": "Q/12AC 0001-2025",
        "title": "Room air conditioner",
        "product": {"name": "Room air conditioner", "model": "KFR-35", "category": "C3852"},
        "indicators": {"apf": "5.2", "noise": 38},
        "disclosed_on": "2025-01-15",
        "commitment": True,
    }
    body.update(changes)
    return body


async def test_a_write_answers_its_receipt_after_the_read_side(api: Api) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    response = await api.post("/v1/declarations", declaration(), platform)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert set(receipt) == {"id", "position"} and receipt["position"] == before + 1
    assert response.headers["location"] == f"/v1/declarations/{receipt['id']}"
    assert "registry-consistency" not in response.headers
    assert api.app.state.read_side.waited[-1] == receipt["position"]


async def test_a_write_the_read_side_misses_is_marked_pending(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FakeReadSide, "caught_up", False)
    body = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}
    response = await api.post("/v1/evaluation-bodies", body, api.admin)
    assert response.status_code == 201, response.text
    assert response.headers["registry-consistency"] == "pending"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer lr_not-a-token", "Bearer nonsense", "Basic b3BzOnNlY3JldA==", "Bearer"],
)
async def test_unauthenticated_writes_are_refused(api: Api, authorization: str | None) -> None:
    before = api.head()
    headers = {"Authorization": authorization} if authorization else {}
    body = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}
    response = await api.client.post("/v1/evaluation-bodies", json=body, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.head() == before


async def test_a_missing_token_is_refused_before_the_body_is_read(api: Api) -> None:
    # A present token is checked with the command, in its worker thread (one hop per
    # write): a body that fails validation is refused first, naming the field.
    before = api.head()
    body = {"name": "", "kind": "testing_institute", "categories": ["C3852"]}
    assert_problem(await api.client.post("/v1/evaluation-bodies", json=body), 401)
    unknown = {"Authorization": "Bearer lr_unknown-token"}
    response = await api.client.post("/v1/evaluation-bodies", json=body, headers=unknown)
    assert assert_problem(response, 422)["errors"][0]["field"] == "name"
    good = {**body, "name": "CHEARI"}
    response = await api.client.post("/v1/evaluation-bodies", json=good, headers=unknown)
    assert_problem(response, 401)
    assert api.head() == before


async def test_a_revoked_credential_no_longer_works(api: Api) -> None:
    body = {"role": "regulator", "subject": "Tianjin AMR", "label": "test"}
    issued = (await api.post("/v1/credentials", body, api.admin)).json()
    response = await api.post(f"/v1/credentials/{issued['id']}/revocation", None, api.admin)
    assert response.status_code == 200, response.text
    decision = {"upheld": True, "findings": "f"}
    response = await api.post("/v1/complaints/x/decision", decision, issued["token"])
    assert_problem(response, 401)
    assert "revoked" in response.json()["detail"]


async def test_a_role_may_not_act_outside_its_permissions(api: Api) -> None:
    regulator = (await api.issue("regulator", "Tianjin AMR"))["token"]
    before = api.head()
    body = {"name": "CHEARI", "kind": "testing_institute", "categories": ["C3852"]}
    problem = assert_problem(await api.post("/v1/evaluation-bodies", body, regulator), 403)
    assert "regulator" in problem["detail"]
    assert api.head() == before


async def test_an_enterprise_may_declare_only_for_itself(api: Api) -> None:
    other = (await api.issue("enterprise", make_credit_code("91", "120000", 43)))["token"]
    before = api.head()
    assert_problem(await api.post("/v1/declarations", declaration(), other), 403)
    assert api.head() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"enterprise": {"credit_code": CODE[:17] + "0", "name": "X", "region": "120000"}},
            "enterprise.credit_code",
        ),
        (
            {"enterprise": {"credit_code": CODE.lower(), "name": "X", "region": "120000"}},
            "enterprise.credit_code",
        ),
        (
            {"enterprise": {"credit_code": CODE, "name": "X", "region": "12000"}},
            "enterprise.region",
        ),
        (  # fullwidth digits
            {"enterprise": {"credit_code": CODE, "name": "X", "region": "１２００００"}},
            "enterprise.region",
        ),
        (  # Arabic-Indic digits
            {"enterprise": {"credit_code": CODE, "name": "X", "region": "١٢٠٠٠٠"}},
            "enterprise.region",
        ),
        ({"colour": "blue"}, "colour"),
        ({"indicators": {"apf": "NaN"}}, "indicators.apf"),
        ({"indicators": {"apf": "Infinity"}}, "indicators.apf"),
        ({"indicators": {"apf": "-inf"}}, "indicators.apf"),
        ({"indicators": {"apf": "five"}}, "indicators.apf"),
        ({"indicators": {"apf": "1e999999999"}}, "indicators.apf"),
        ({"title": "x" * 201}, "title"),
        ({"title": "bell\x07"}, "title"),
        ({"title": "Room air \u202econditioner"}, "title"),  # right-to-left override
        ({"title": "Room air\u200bconditioner"}, "title"),  # zero-width space
        ({"product": {"name": "AC\u2066", "model": "", "category": "C3852"}}, "product.name"),
        ({"title": "   "}, "title"),
        ({"product": {"name": "AC", "model": "", "category": "c38"}}, "product.category"),
        ({"disclosed_on": "2025-03-02"}, "disclosed_on"),  # after the registry's today
        ({"commitment": False}, "commitment"),
    ],
)
async def test_invalid_declarations_are_refused_naming_the_field(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    response = await api.post("/v1/declarations", declaration(**changes), platform)
    problem = assert_problem(response, 422, field)
    assert api.head() == before
    if "errors" in problem:
        assert problem["errors"][0]["field"] == field


@pytest.mark.parametrize("region", ["１２００００", "١٢٠٠٠٠"], ids=["fullwidth", "arabic-indic"])
async def test_a_scheme_region_in_non_ascii_digits_is_refused(api: Api, region: str) -> None:
    indicator = {"code": "apf", "name": "APF", "kind": "core", "direction": "higher_is_better"}
    scheme = {
        "title": "Air conditioners 2025",
        "category": "C3852",
        "cycle": 2025,
        "level": "provincial",
        "region": region,
        "indicators": [{**indicator, "baseline": "4.5", "weight": "1"}],
        "top_n": 3,
        "publicity_days": 10,
        "validity_days": 365,
    }
    before = api.head()
    assert_problem(await api.post("/v1/schemes", scheme, api.admin), 422, "region")
    leaders = await api.client.get("/v1/leaders", params={"region": region})
    assert_problem(leaders, 422, "region")
    assert api.head() == before


async def test_a_nan_literal_in_the_json_is_refused(api: Api) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    raw = httpx.Request("POST", "/", json=declaration()).content.decode()
    raw = raw.replace('"5.2"', "NaN")
    response = await api.client.post(
        "/v1/declarations",
        content=raw,
        headers={"Authorization": f"Bearer {platform}", "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "indicators.apf")
    assert api.head() == before


async def test_invisible_format_characters_are_refused_naming_field_and_character(
    api: Api,
) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    before = api.head()
    response = await api.post(
        "/v1/declarations", declaration(title="Room air \u202econditioner"), platform
    )
    problem = assert_problem(response, 422, "title")
    assert "U+202E" in problem["detail"], problem
    # Free text keeps its line breaks but refuses format characters too.
    path = f"/v1/declarations/{UNKNOWN_ID}/withdrawal"
    problem = assert_problem(
        await api.post(path, {"reason": "replaced\nby\u200b a new one"}, platform), 422, "reason"
    )
    assert "U+200B" in problem["detail"], problem
    assert api.head() == before


async def test_malformed_json_is_a_problem_not_a_crash(api: Api) -> None:
    response = await api.client.post(
        "/v1/evaluation-bodies",
        content="{not json",
        headers={"Authorization": f"Bearer {api.admin}", "Content-Type": "application/json"},
    )
    assert_problem(response, 422)


async def test_a_duplicate_declaration_conflicts(api: Api) -> None:
    platform = (await api.issue("platform", "national-platform"))["token"]
    assert (await api.post("/v1/declarations", declaration(), platform)).status_code == 201
    before = api.head()
    response = await api.post("/v1/declarations", declaration(title="Again"), platform)
    assert_problem(response, 409, "standard_number")
    assert api.head() == before


@pytest.mark.parametrize("scheme_id", ["6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10", "no-such-id"])
async def test_an_unknown_scheme_is_not_found(api: Api, scheme_id: str) -> None:
    before = api.head()
    body = {"approved": True, "reason": ""}
    problem = assert_problem(
        await api.post(f"/v1/schemes/{scheme_id}/approval", body, api.admin), 404
    )
    assert scheme_id in problem["detail"]
    assert api.head() == before


async def test_an_evaluation_needs_values_or_an_exclusion_reason(api: Api) -> None:
    body = (await api.issue("admin", "second-admin"))["token"]
    path = "/v1/candidacies/6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10/evaluations"
    assert_problem(await api.post(path, {}, body), 422, "values")
    assert_problem(await api.post(path, {"excluded": True}, body), 422, "reason")
    assert_problem(
        await api.post(path, {"values": {"apf": 1}, "excluded": True, "reason": "r"}, body),
        422,
        "values",
    )


async def test_unknown_routes_and_methods_answer_problems(api: Api) -> None:
    assert_problem(await api.client.get("/v1/nowhere"), 404)
    response = await api.client.delete("/v1/declarations")
    assert_problem(response, 405)
    assert "POST" in response.headers["allow"]


async def test_invalid_query_parameters_are_refused(api: Api) -> None:
    assert_problem(await api.client.get("/v1/leaders", params={"limit": 0}), 422, "limit")
    assert_problem(
        await api.client.get("/v1/leaders", params={"credit_code": "X"}), 422, "credit_code"
    )
    naive = {"as_of": "2025-01-01T00:00:00"}
    assert_problem(await api.client.get("/v1/leaders", params=naive), 422, "as_of")
    assert_problem(await api.client.get("/v1/events", params={"limit": 1001}), 422, "limit")


async def test_health(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


JUNK: list[Any] = [None, [], "x", 1, {}, {"reason": None}, {"values": {"a": [1]}}, {"a": {"b": 1}}]
UNKNOWN_ID = "6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10"


@pytest.mark.parametrize("junk", JUNK, ids=repr)
async def test_junk_bodies_are_refused_without_a_server_error(api: Api, junk: Any) -> None:
    """Every write, given junk, answers a 4xx problem and records nothing."""
    writes = [path for path, ops in api.app.openapi()["paths"].items() if "post" in ops]
    assert len(writes) == 33  # POST /v1/audit/checkpoints: 409 here, no signing key
    before = api.head()
    for template in writes:
        path = re.sub(r"\{[^}]+\}", UNKNOWN_ID, template)
        response = await api.client.post(
            path, content=json.dumps(junk), headers={"Authorization": f"Bearer {api.admin}"}
        )
        assert 400 <= response.status_code < 500, (path, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
    assert api.head() == before

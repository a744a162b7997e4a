"""The regulator's desk (`GET /v1/desk`), a complaint's investigation and the enterprise's
statement over HTTP, and a regulator's jurisdiction (rule 17), on both stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from domain.limits import MAX_TEXT
from service.schemas.desk import DeskPage
from service.schemas.records import ComplaintOut
from tests.e2e.api import Api, assert_problem
from tests.worlds import EFFICIENCY, World, award_cycle, build_world, complain, credit_code

TIANJIN, BINHAI, HEBEI = "120000", "120100", "130000"


@dataclass
class Desk:
    world: World
    national: str  # a complaint about a title on the national list
    tianjin: str  # a complaint about a title on Tianjin's provincial list
    binhai: str  # a complaint about a title on a Tianjin city's list, filed 41 days ago


async def desk_world(api: Api) -> Desk:
    """Three lists (national, Tianjin province, a Tianjin city), a title and a complaint on
    each; the city's complaint filed first, 40 days before the national one, which is a day
    older than the province's."""
    world = build_world(api.registry, api.clock, 3, line=EFFICIENCY)
    _, city = award_cycle(world, 2024, [130], level="municipal", region=BINHAI, publicity_days=0)
    binhai = complain(world, city[0], grounds="fraud")
    api.clock.advance(days=40)
    _, nation = award_cycle(world, 2025, [130], publicity_days=0)
    _, province = award_cycle(
        world, 2026, [130], level="provincial", region=TIANJIN, publicity_days=0
    )
    national = complain(world, nation[0])
    api.clock.advance(days=1)
    return Desk(world, national, complain(world, province[0]), binhai)


async def regulator(api: Api, region: str | None = None) -> str:
    extra = {"region": region} if region is not None else {}
    return str((await api.issue("regulator", f"AMR {region}", **extra))["token"])


async def desk(api: Api, token: str, **params: Any) -> dict[str, Any]:
    response = await api.client.get("/v1/desk", params=params, headers=api.auth(token))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    found: dict[str, Any] = response.json()
    DeskPage.model_validate(found)
    return found


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


async def test_the_desk_shows_the_complaints_within_the_jurisdiction(api: Api) -> None:
    world = await desk_world(api)
    await api.settle()
    national = await desk(api, await regulator(api))
    assert national["jurisdiction"] == "000000" and national["overdue_after_days"] == 30
    assert ids(national) == [world.binhai, world.national, world.tianjin]  # oldest first
    tianjin = await desk(api, await regulator(api, TIANJIN))
    assert ids(tianjin) == [world.binhai, world.tianjin]
    assert ids(await desk(api, await regulator(api, BINHAI))) == [world.binhai]
    assert (await desk(api, await regulator(api, HEBEI)))["total"] == 0


async def test_the_desk_flags_overdue_and_filters(api: Api) -> None:
    world = await desk_world(api)
    await api.settle()
    token = await regulator(api)
    first = (await desk(api, token))["items"][0]
    assert (first["id"], first["age_days"], first["overdue"]) == (world.binhai, 41, True)
    assert first["region"] == BINHAI and first["grounds"] == "fraud"
    assert ids(await desk(api, token, overdue="true")) == [world.binhai]
    assert ids(await desk(api, token, overdue="false")) == [world.national, world.tianjin]
    assert ids(await desk(api, token, grounds="fraud")) == [world.binhai]
    assert ids(await desk(api, token, region=TIANJIN)) == [world.binhai, world.tianjin]
    assert ids(await desk(api, token, older_than_days=30)) == [world.binhai]
    second = await desk(api, token, limit=1, offset=1)
    assert (second["total"], ids(second)) == (3, [world.national])
    await api.post(f"/v1/complaints/{world.binhai}/investigation", None, token)
    await api.settle()
    assert ids(await desk(api, token, status="investigating")) == [world.binhai]
    decision = {"upheld": False, "findings": "unfounded"}
    await api.post(f"/v1/complaints/{world.binhai}/decision", decision, token)
    await api.settle()
    decided = (await desk(api, token, status="dismissed"))["items"]
    assert [(d["id"], d["overdue"]) for d in decided] == [(world.binhai, False)]


async def test_only_a_regulator_reads_the_desk(api: Api) -> None:
    assert_problem(await api.client.get("/v1/desk"), 401)
    for role, subject in (("admin", "ops2"), ("platform", "feed"), ("enterprise", credit_code(0))):
        token = (await api.issue(role, subject))["token"]
        response = await api.client.get("/v1/desk", headers=api.auth(token))
        assert role in assert_problem(response, 403)["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"grounds": "rudeness"}, "grounds"),
        ({"region": "12000"}, "region"),
        ({"older_than_days": -1}, "older_than_days"),
        ({"overdue": "maybe"}, "overdue"),
        ({"limit": 0}, "limit"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_desk_parameters_are_refused_naming_them(
    api: Api, params: dict[str, Any], field: str
) -> None:
    token = await regulator(api)
    response = await api.client.get("/v1/desk", params=params, headers=api.auth(token))
    assert_problem(response, 422, field)


async def test_the_complaint_shows_its_investigation_and_the_statement(api: Api) -> None:
    world = await desk_world(api)
    token, owner = await regulator(api, TIANJIN), (await api.issue("enterprise", credit_code(0)))
    response = await api.post(f"/v1/complaints/{world.tianjin}/investigation", None, token)
    assert response.status_code == 200, response.text
    statement = {"statement": "Our CNAS laboratory's retest matches the declared values."}
    response = await api.post(
        f"/v1/complaints/{world.tianjin}/statement", statement, owner["token"]
    )
    assert response.status_code == 200, response.text
    await api.settle()
    found = (await api.read(f"/v1/complaints/{world.tianjin}")).json()
    ComplaintOut.model_validate(found)
    assert found["status"] == "investigating"
    assert found["investigated_by_role"] == "regulator"
    assert found["investigated_by_subject"] == f"AMR {TIANJIN}"
    assert found["investigated_at"] and found["answered_at"]
    assert found["statement"] == statement["statement"]
    again = await api.post(response.request.url.path, statement, owner["token"])
    assert_problem(again, 409)


async def test_a_regulator_outside_the_region_is_forbidden_and_nothing_recorded(
    api: Api,
) -> None:
    world = await desk_world(api)
    hebei, binhai = await regulator(api, HEBEI), await regulator(api, BINHAI)
    for token, complaint in (
        (hebei, world.tianjin),
        (binhai, world.tianjin),
        (hebei, world.national),
    ):
        before = api.head()
        for path, body in (
            ("investigation", None),
            ("decision", {"upheld": True, "findings": "x"}),
        ):
            response = await api.post(f"/v1/complaints/{complaint}/{path}", body, token)
            assert "region" in assert_problem(response, 403)["detail"]
        assert api.head() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "statement"),
        ({"statement": "  "}, "statement"),
        ({"statement": "x" * (MAX_TEXT + 1)}, "statement"),
    ],
)
async def test_a_bad_statement_is_refused_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    world = await desk_world(api)
    owner = (await api.issue("enterprise", credit_code(0)))["token"]
    before = api.head()
    response = await api.post(f"/v1/complaints/{world.national}/statement", body, owner)
    assert_problem(response, 422, field)
    assert api.head() == before


async def test_a_regulators_region_is_checked_and_listed(api: Api) -> None:
    for body in (
        {"role": "regulator", "subject": "x", "region": "12000"},
        {"role": "enterprise", "subject": credit_code(0), "region": TIANJIN},
    ):
        before = api.head()
        assert_problem(await api.post("/v1/credentials", body, api.admin), 422, "region")
        assert api.head() == before
    await regulator(api, TIANJIN)
    await regulator(api)
    await api.settle()
    listed = await api.client.get(
        "/v1/credentials", params={"role": "regulator"}, headers=api.auth()
    )
    assert sorted(c["region"] for c in listed.json()["items"]) == ["000000", TIANJIN]

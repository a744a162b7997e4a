"""A regulator's triage of public reports over HTTP, and reports on its desk (both stores)."""

from __future__ import annotations

import asyncio
from typing import Any, get_args

import pytest

from domain.complaint import ComplaintStatus
from domain.report import ReportStatus
from service.schemas.desk import DeskPage, DeskStatus
from service.schemas.records import ComplaintOut
from tests.e2e.api import Api, assert_problem
from tests.worlds import EFFICIENCY, World, award_cycle, build_world, credit_code

TIANJIN, HEBEI = "120000", "130000"


async def filed(api: Api, **about: Any) -> dict[str, Any]:
    """A public report (anonymous), about `candidacy_id` or `credit_code`."""
    body = {"grounds": "nonconformity", "description": "louder than declared", **about}
    response = await api.client.post("/v1/reports", json=body)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def titled(api: Api) -> tuple[World, str]:
    """An awarded title on Tianjin's provincial list (of credit_code(0))."""
    world = build_world(api.registry, api.clock, 2, line=EFFICIENCY)
    _, titles = award_cycle(
        world, 2024, [130], level="provincial", region=TIANJIN, publicity_days=0
    )
    return world, titles[0]


async def regulator(api: Api, region: str = TIANJIN) -> str:
    return str((await api.issue("regulator", f"AMR {region}", region=region))["token"])


async def follow(api: Api, report: dict[str, Any]) -> dict[str, Any]:
    headers = {"X-Report-Secret": report["secret"]}
    response = await api.client.get(f"/v1/reports/{report['receipt']}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_an_unfounded_report_tells_the_reporter_why(api: Api) -> None:
    _, title = await titled(api)
    report, token = await filed(api, candidacy_id=title), await regulator(api)
    reason = {"reason": "the retest matched the declared noise level"}
    response = await api.post(f"/v1/reports/{report['receipt']}/dismissal", reason, token)
    assert response.status_code == 200, response.text
    followed = await follow(api, report)
    assert (followed["status"], followed["outcome"]) == ("closed", reason["reason"])
    assert followed["complaint_id"] is None


async def test_a_complaint_opened_from_a_report_is_linked_both_ways(api: Api) -> None:
    _, title = await titled(api)
    report, token = await filed(api, candidacy_id=title), await regulator(api)
    response = await api.post(
        f"/v1/reports/{report['receipt']}/complaint", {"complainant_kind": "media"}, token
    )
    assert response.status_code == 201, response.text
    complaint_id = response.json()["id"]
    assert response.headers["location"] == f"/v1/complaints/{complaint_id}"
    assert (await follow(api, report))["complaint_id"] == complaint_id
    await api.settle()
    complaint = (await api.read(f"/v1/complaints/{complaint_id}")).json()
    ComplaintOut.model_validate(complaint)
    assert complaint["report_id"] == report["receipt"]
    assert (complaint["complainant_kind"], complaint["description"]) == (
        "media",
        "louder than declared",
    )
    desk = await api.client.get("/v1/desk", params={"kind": "report"}, headers=api.auth(token))
    [item] = desk.json()["items"]
    assert (item["id"], item["status"], item["complaint_id"]) == (
        report["receipt"],
        "closed",
        complaint_id,
    )


async def test_reports_wait_on_the_desk_beside_complaints(api: Api) -> None:
    _, title = await titled(api)
    about_leader = await filed(api, candidacy_id=title)
    api.clock.advance(days=31)
    about_enterprise = await filed(api, credit_code=credit_code(0))
    await api.settle()
    token = await regulator(api)
    response = await api.client.get("/v1/desk", headers=api.auth(token))
    page = response.json()
    DeskPage.model_validate(page)
    first, second = page["items"]
    assert (first["kind"], first["id"], first["region"]) == (
        "report",
        about_leader["receipt"],
        TIANJIN,
    )
    assert (first["status"], first["overdue"], first["age_days"]) == ("received", True, 31)
    assert first["description"] == "louder than declared"
    assert (second["id"], second["candidacy_id"], second["region"]) == (
        about_enterprise["receipt"],
        None,
        TIANJIN,
    )
    assert second["enterprise"] == {"credit_code": credit_code(0), "name": "Fridge Maker 0"}
    hebei = await api.client.get("/v1/desk", headers=api.auth(await regulator(api, HEBEI)))
    assert hebei.json()["total"] == 0
    for bad in ({"kind": "notice"}, {"status": "open"}):
        refused = await api.client.get("/v1/desk", params=bad, headers=api.auth(token))
        assert_problem(refused, 422, next(iter(bad)))


async def test_triage_outside_the_region_is_forbidden_and_nothing_recorded(api: Api) -> None:
    _, title = await titled(api)
    report, hebei = await filed(api, candidacy_id=title), await regulator(api, HEBEI)
    before = api.head()
    for path, body in (("dismissal", {"reason": "no"}), ("complaint", {})):
        response = await api.post(f"/v1/reports/{report['receipt']}/{path}", body, hebei)
        assert HEBEI in assert_problem(response, 403)["detail"]
    assert api.head() == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("dismissal", {}, "reason"),
        ("dismissal", {"reason": " "}, "reason"),
        ("complaint", {"complainant_kind": "shopper"}, "complainant_kind"),
        ("complaint", {"candidacy_id": "not-an-id"}, "candidacy_id"),
    ],
)
async def test_bad_triage_is_refused_naming_the_field(
    api: Api, path: str, body: dict[str, Any], field: str
) -> None:
    _, title = await titled(api)
    report, token = await filed(api, candidacy_id=title), await regulator(api)
    before = api.head()
    response = await api.post(f"/v1/reports/{report['receipt']}/{path}", body, token)
    assert_problem(response, 422, field)
    assert api.head() == before


async def test_an_enterprise_report_needs_its_own_candidacy(api: Api) -> None:
    world, _ = await titled(api)
    report, token = await filed(api, credit_code=credit_code(0)), await regulator(api)
    path = f"/v1/reports/{report['receipt']}/complaint"
    before = api.head()
    assert_problem(await api.post(path, {}, token), 422, "candidacy_id")
    assert api.head() == before
    _, other = award_cycle(
        world, 2025, [130, 125], level="provincial", region=TIANJIN, publicity_days=0
    )  # the second title is credit_code(1)'s
    before = api.head()
    assert_problem(await api.post(path, {"candidacy_id": other[1]}, token), 422, "candidacy_id")
    assert api.head() == before
    response = await api.post(path, {"candidacy_id": other[0]}, token)
    assert response.status_code == 201, response.text


def test_the_desks_statuses_are_a_complaints_and_a_reports() -> None:
    assert set(get_args(DeskStatus)) == {*ComplaintStatus, *ReportStatus}


async def test_racing_triages_of_one_report_record_one(api: Api) -> None:
    """A dismissal and a complaint opened at once: one wins, the other is a clean 409, and
    the report is dealt with exactly once."""
    _, title = await titled(api)
    report, token = await filed(api, candidacy_id=title), await regulator(api)
    base = f"/v1/reports/{report['receipt']}"
    responses = await asyncio.gather(
        api.post(f"{base}/dismissal", {"reason": "unfounded"}, token),
        api.post(f"{base}/complaint", {}, token),
        api.post(f"{base}/dismissal", {"reason": "unfounded too"}, token),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(409) == 2 and statuses[0] in (200, 201), [r.text for r in responses]
    followed = await follow(api, report)
    opened = [r for r in responses if r.status_code == 201]
    assert followed["complaint_id"] == (opened[0].json()["id"] if opened else None)


async def test_racing_statements_record_one(api: Api) -> None:
    _, title = await titled(api)
    token, owner = await regulator(api), (await api.issue("enterprise", credit_code(0)))["token"]
    report = await filed(api, candidacy_id=title)
    opened = await api.post(f"/v1/reports/{report['receipt']}/complaint", {}, token)
    complaint = opened.json()["id"]
    responses = await asyncio.gather(
        *(
            api.post(f"/v1/complaints/{complaint}/statement", {"statement": f"answer {n}"}, owner)
            for n in range(3)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409], [r.text for r in responses]

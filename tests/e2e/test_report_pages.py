"""Reporting from the website over HTTP, on both stores: the leader page's form (a plain
form post, same-origin only), the receipt shown once, following with the secret, friendly
refusals in the page's language, and nothing personal on any public page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest

from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import BASE_URL, Api, serve
from tests.worlds import ENERGY, build_world, draft, ranked

EN = {"accept-language": "en"}
SAME = {"origin": BASE_URL}
FORM = {
    "grounds": "fraud",
    "description": "The shop sells a different model under this label.",
    "evidence": "https://example.org/a.jpg\n\nreceipt 17",
    "name": "Chen Jing",
    "phone": "010 1234 5678",
    "email": "chen.jing@example.org",
    "private": "I supply this shop.",
}


@dataclass
class Site(Api):
    leader: str = ""


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Site]:
    async with serve(settings, clock) as served:
        world = build_world(served.registry, clock, 2, line=ENERGY)
        leader = ranked(world, draft(world, 2025), [40, 45])[0]
        await served.settle()
        yield Site.of(served, leader=leader)


async def post(api: Site, path: str, form: dict[str, str], **headers: str) -> httpx.Response:
    return await api.client.post(path, data=form, headers={**SAME, **EN, **headers})


async def test_the_leader_page_has_a_form_that_files_a_report_and_shows_its_secret_once(
    api: Site,
) -> None:
    page = await api.client.get(f"/leaders/{api.leader}", headers=EN)
    assert f'action="/leaders/{api.leader}/report" method="post"' in page.text
    assert "Report a problem" in page.text and "<script" not in page.text
    filed = await post(api, f"/leaders/{api.leader}/report", FORM)
    assert filed.status_code == 201, filed.text
    assert filed.headers["cache-control"] == "no-store"
    receipt = filed.text.split('<dt>Receipt</dt><dd><span class="code">')[1].split("<")[0]
    secret = filed.text.split('<dt>Secret</dt><dd><span class="code">')[1].split("<")[0]
    assert secret.startswith("rs_")
    personal = api.registry.report_personal_data(
        api.registry.authenticate(
            api.registry.issue_credential(
                api.registry.authenticate(api.admin), role="regulator", subject="AMR"
            )["token"]
        ),
        receipt,
    )
    assert (personal.name, personal.email) == ("Chen Jing", "chen.jing@example.org")
    assert api.registry.repository.get(UUID(receipt)).evidence == [
        "https://example.org/a.jpg",
        "receipt 17",
    ]
    followed = await post(api, "/reports/follow", {"receipt": receipt, "secret": secret})
    assert followed.status_code == 200 and "waiting for a regulator" in followed.text
    chinese = await api.client.post(
        "/reports/follow", data={"receipt": receipt, "secret": secret}, headers=SAME
    )
    assert "等待监管部门处理" in chinese.text
    wrong = await post(api, "/reports/follow", {"receipt": receipt, "secret": "rs_no"})
    assert wrong.status_code == 404 and "No report has this receipt and secret" in wrong.text
    assert (await api.client.get("/reports/follow", headers=EN)).status_code == 200
    await api.settle()
    page = await api.client.get(f"/leaders/{api.leader}", headers=EN)
    assert "A public report was filed" in page.text
    assert "A public report about this entry is open" in page.text
    for value in (FORM["name"], FORM["phone"], FORM["email"], FORM["private"], secret):
        assert value not in page.text


async def test_a_post_from_elsewhere_is_refused_and_records_nothing(api: Site) -> None:
    head = api.head()
    for headers in (
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "", "referer": ""},
        {"sec-fetch-site": "cross-site", "origin": BASE_URL},
    ):
        refused = await api.client.post(
            f"/leaders/{api.leader}/report", data=FORM, headers={**EN, **headers}
        )
        assert refused.status_code == 403 and "registry's own pages" in refused.text
    by_referer = await api.client.post(
        f"/leaders/{api.leader}/report",
        data=FORM,
        headers={**EN, "referer": f"{BASE_URL}/leaders/{api.leader}"},
    )
    assert by_referer.status_code == 201
    fetched = await api.client.post(
        f"/leaders/{api.leader}/report",
        data={**FORM, "description": "by fetch metadata"},
        headers={**EN, "sec-fetch-site": "same-origin", "origin": "null"},
    )
    assert fetched.status_code == 201
    assert api.head() > head


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"description": ""}, "Describe the problem"),
        ({"grounds": "spite"}, "What is wrong"),
        ({"email": "nobody"}, "Email"),
        ({"description": "x" * 4001}, "Describe the problem"),
    ],
)
async def test_a_bad_field_comes_back_as_a_friendly_form_naming_it(
    api: Site, change: dict[str, str], label: str
) -> None:
    head = api.head()
    answer = await post(api, f"/leaders/{api.leader}/report", {**FORM, **change})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert f"Please check “{label}”" in answer.text
    assert FORM["private"] in answer.text  # what was typed is kept
    assert api.head() == head
    chinese = await api.client.post(
        f"/leaders/{api.leader}/report", data={**FORM, **change}, headers=SAME
    )
    assert chinese.status_code == 400 and "请检查" in chinese.text


async def test_an_unknown_leader_is_a_friendly_404(api: Site) -> None:
    unknown = "0b5e4a8e-0000-4000-8000-000000000000"
    for path in (f"/leaders/{unknown}/report", "/leaders/not-an-id/report"):
        answer = await post(api, path, FORM)
        assert answer.status_code == 404 and "Page not found" in answer.text
        shown = await api.client.get(path, headers=EN)
        assert shown.status_code == 404 and "Page not found" in shown.text
    known = await api.client.get(f"/leaders/{api.leader}/report", headers=EN)
    assert known.status_code == 200 and 'name="description"' in known.text


async def test_too_many_reports_from_the_form_is_a_friendly_429(
    settings: Settings, clock: Clock
) -> None:
    limited = settings.model_copy(update={"report_limit_per_address": 1})
    async with serve(limited, clock) as served:
        world = build_world(served.registry, clock, 1, line=ENERGY)
        leader = ranked(world, draft(world, 2025), [40])[0]
        site = Site.of(served, leader=leader)
        assert (await post(site, f"/leaders/{leader}/report", FORM)).status_code == 201
        again = await post(site, f"/leaders/{leader}/report", {**FORM, "description": "more"})
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
        assert "Too many reports" in again.text

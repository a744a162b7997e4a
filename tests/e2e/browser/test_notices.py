"""The notice board in a real browser: a title revoked through the API (a complaint upheld,
as README's walk does) appears on the notices, the complaints and the enterprise's page."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.browser.live import Live, live
from tests.e2e.browser.test_accessibility import SERIOUS
from tests.worlds import ADMIN

FINDINGS = "the laboratory confirmed the report is forged"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A site of this module's own: its tests write."""
    path = tmp_path_factory.mktemp("notices") / "registry.sqlite3"
    with live(Settings(database_url=f"sqlite:///{path}")) as running:
        yield running


def revoke_through_the_api(site: Live) -> dict[str, str]:
    """A regulator files a fraud complaint against a title in force and upholds it."""
    clock = site.registry.clock
    assert isinstance(clock, Clock)
    clock.advance(hours=1)  # later than the story's revocation: the newest notice
    token = site.registry.issue_credential(ADMIN, role="regulator", subject="Tianjin AMR")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=site.base_url, headers=auth, timeout=60) as client:
        title = client.get("/v1/leaders", params={"limit": 1}).json()["items"][0]
        filed = client.post(
            "/v1/complaints",
            json={
                "candidacy_id": title["candidacy_id"],
                "complainant_kind": "regulator",
                "grounds": "fraud",
                "description": "test report forged",
                "evidence": ["report WT-2025-118"],
            },
        )
        assert filed.status_code == 201, filed.text
        decided = client.post(
            f"/v1/complaints/{filed.json()['id']}/decision",
            json={"upheld": True, "findings": FINDINGS},
        )
        assert decided.status_code in (200, 201), decided.text
        assert "registry-consistency" not in decided.headers  # the read models have it
    return {"name": title["enterprise"]["name"], "code": title["enterprise"]["credit_code"]}


def test_a_revocation_through_the_api_is_published_on_the_notices(
    en: Page, zh: Page, site: Live
) -> None:
    en.goto("/notices?kind=revocation")
    expect(en.locator(".total")).to_have_text("1 notice")
    expect(en.locator(".notice")).to_contain_text("false declaration")

    revoked = revoke_through_the_api(site)

    en.get_by_role("link", name="Notices").click()
    newest = en.locator(".notice").first
    expect(newest).to_contain_text("Revocation")
    expect(newest).to_contain_text(revoked["name"])
    expect(newest.locator(".reason")).to_contain_text(FINDINGS)
    expect(newest).to_contain_text("a regulator (Tianjin AMR)")

    en.get_by_label("Kind of notice").select_option(label="Revocation")
    en.get_by_role("button", name="Show").click()
    assert en.url.endswith("/notices?kind=revocation")
    expect(en.locator(".total")).to_have_text("2 notices")

    newest = en.locator(".notice").first
    newest.get_by_role("link", name="The enterprise").click()
    expect(en.locator("h1")).to_have_text(revoked["name"])
    expect(en.locator("#titles-before + .table-wrap")).to_contain_text("Revoked")
    expect(en.locator(".timeline")).to_contain_text("Complaint upheld")

    zh.goto("/complaints")
    expect(zh.locator("h1")).to_have_text("投诉处理结果")
    expect(zh.locator("tbody tr").first).to_contain_text(FINDINGS)
    expect(zh.locator("tbody tr").first).to_contain_text("成立")
    # The decided complaints' table (empty on the shared site) passes axe too.
    violations = Axe().run(zh).response["violations"]
    assert [v["id"] for v in violations if v.get("impact") in SERIOUS] == []

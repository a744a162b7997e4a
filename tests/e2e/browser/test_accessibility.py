"""axe-core (bundled by `axe-playwright-python`, no CDN) on every page type, on a phone and
a desktop, in both languages: no serious or critical violation."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize

from tests.e2e.browser.conftest import DESKTOP, PHONE, open_context
from tests.e2e.browser.live import Live, scheme_id

PAGES = [
    "/",
    "/leaders",
    "/leaders?page=2&level=national",
    "/search?q=Fridge",
    "/search?q=冰",
    "/no/such/page",
    "/notices",
    "/notices?kind=revocation",
    "/notices?kind=withdrawal",
    "/complaints",
    "/audit",
    "/schemes/{scheme}",
    "/schemes/{scheme}?page=2",
    "/schemes/{scheme}?section=not_ranked",
    "/reports/follow",
]
SERIOUS = {"serious", "critical"}


def record_pages(site: Live) -> list[str]:
    """The pages of the story's records: an enterprise holding a title, the body, and a body
    suspended after a change of its categories (its changes table)."""
    bodies = httpx.get(f"{site.base_url}/v1/evaluation-bodies", params={"limit": 1}).json()
    return [
        f"/enterprises/{site.leader_code}",
        f"/bodies/{bodies['items'][0]['id']}",
        f"/bodies/{site.suspended_body}",
    ]


def serious(axe: Axe, page: Page, where: str) -> dict[str, list[str]]:
    """The serious or critical violations axe finds on the page, under `where`."""
    violations = axe.run(page).response["violations"]
    bad = [v["id"] for v in violations if v.get("impact") in SERIOUS]
    return {where: bad} if bad else {}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_no_serious_accessibility_violation(
    browser: Browser, site: Live, elsewhere: list[str], viewport: ViewportSize, locale: str
) -> None:
    context = open_context(browser, site, elsewhere, locale=locale, viewport=viewport)
    page = context.new_page()
    axe = Axe()
    found = {}
    ids = {"scheme": scheme_id(site.base_url)}
    leader = f"/leaders/{site.leader_id}"
    for path in [*PAGES, *record_pages(site), leader, f"{leader}/report"]:
        page.goto(path.format(**ids))
        found.update(serious(axe, page, path))
    # The pages a report leads to: a refused form, the receipt, a report's status.
    page.goto(f"{leader}/report")
    page.fill("#report-description", "x")
    page.fill("#report-email", "nobody@example")  # the registry refuses it: the form again
    page.click("form.report-form button[type=submit]")
    found.update(serious(axe, page, "the refused form"))
    page.fill("#report-email", "")
    page.fill("#report-description", f"axe {locale} {viewport['width']}")
    page.click("form.report-form button[type=submit]")
    found.update(serious(axe, page, "the receipt"))
    codes = page.locator(".receipt .code")
    receipt, secret = codes.nth(0).inner_text(), codes.nth(1).inner_text()
    page.goto("/reports/follow")
    page.fill("#follow-receipt", receipt)
    page.fill("#follow-secret", secret)
    page.click("form.report-form button[type=submit]")
    found.update(serious(axe, page, "a report's status"))
    context.close()
    assert found == {}
    assert elsewhere == []

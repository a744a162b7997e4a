"""axe-core (bundled by `axe-playwright-python`, no CDN) on every page type, on a phone and
a desktop, in both languages: no serious or critical violation."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ViewportSize

from tests.e2e.browser.conftest import DESKTOP, PHONE, open_context
from tests.e2e.browser.live import Live

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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_no_serious_accessibility_violation(
    browser: Browser, site: Live, elsewhere: list[str], viewport: ViewportSize, locale: str
) -> None:
    context = open_context(browser, site, elsewhere, locale=locale, viewport=viewport)
    page = context.new_page()
    axe = Axe()
    found = {}
    for path in [*PAGES, *record_pages(site), f"/leaders/{site.leader_id}"]:
        page.goto(path)
        violations = axe.run(page).response["violations"]
        bad = [v["id"] for v in violations if v.get("impact") in SERIOUS]
        if bad:
            found[path] = bad
    context.close()
    assert found == {}
    assert elsewhere == []

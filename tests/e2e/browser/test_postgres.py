"""The website on PostgreSQL: the leaders page reads the same read models there."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from registry.settings import Settings
from tests.e2e.browser.conftest import DESKTOP, open_context
from tests.e2e.browser.live import LEADERS, live


def test_the_leaders_page_on_postgresql(browser: Browser, postgres_store: Settings) -> None:
    with live(postgres_store) as site:
        elsewhere: list[str] = []
        context = open_context(browser, site, elsewhere, locale="zh-CN", viewport=DESKTOP)
        page = context.new_page()
        page.goto("/leaders")
        expect(page.locator(".total")).to_have_text(f"{LEADERS - 1} 项称号")
        page.get_by_role("link", name="下一页").click()
        expect(page.locator("tbody tr")).to_have_count(LEADERS - 1 - 20)
        context.close()
        assert elsewhere == []

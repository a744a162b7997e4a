"""A shopper's walk through the demo dataset, in Chinese then English, as the issue describes
it: a two-character brand searched from the home page, its enterprise, the leader, the
scheme and its ranking, the language switch, and the leaders as they stood on a past day."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.browser.conftest import DESKTOP, PHONE, offline

BRAND = "冰川"  # 上海冰川家电有限公司's brand, as a shopper reads it on the box


def test_from_a_brand_to_the_leader_its_scheme_and_ranking(
    browser: Browser, demo: tuple[str, dict[str, Any]], elsewhere: list[str]
) -> None:
    base, _ = demo
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(base_url=base, locale="zh-CN", viewport=viewport)
        offline(context, base, elsewhere)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("搜索", exact=True).fill(BRAND)
        page.get_by_label("搜索", exact=True).press("Enter")
        enterprises = page.locator("#found-enterprises + ul")
        expect(enterprises).to_contain_text("上海冰川家电有限公司")
        enterprises.get_by_role("link", name="上海冰川家电有限公司").click()
        expect(page.locator("h1")).to_contain_text("上海冰川家电有限公司")

        page.locator("#titles-now + .table-wrap a[href^='/leaders/']").first.click()
        expect(page.locator("h1")).to_contain_text("BCD-552WK")
        leader_url = page.url
        page.locator("main a[href^='/schemes/']").first.click()
        expect(page.locator("h1")).to_contain_text("家用电冰箱")
        ranking = page.locator("#ranking-table tbody")
        expect(ranking).to_contain_text("上海冰川家电有限公司")
        # back from the ranking to the leader, by its entry's link
        ranking.locator(f"a[href='{leader_url.removeprefix(base)}']").first.click()
        assert page.url == leader_url

        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert page.url == leader_url  # the switch comes back to the same page
        expect(page.locator("h1")).to_contain_text("BCD-552WK")
        context.close()
    assert elsewhere == []


def test_the_leaders_as_they_stood_before_the_award(
    browser: Browser, demo: tuple[str, dict[str, Any]], elsewhere: list[str]
) -> None:
    base, _ = demo
    context = browser.new_context(base_url=base, locale="en", viewport=DESKTOP)
    offline(context, base, elsewhere)
    page = context.new_page()
    page.goto("/leaders")
    row = page.locator("tbody tr", has_text="上海冰川家电有限公司")
    cycle = row.locator("td").nth(4)  # enterprise, product, category, level, cycle
    expect(cycle).to_have_text("2024")  # its title of the 2024 cycle, in force now
    page.get_by_label("As of (date)").fill("2024-11-01")  # before the 2024 cycle's awards
    page.get_by_role("button", name="Show").click()
    assert "as_of=2024-11-01" in page.url  # shareable: the date is in the address
    expect(page.locator(".as-of")).to_contain_text("2024-11-01")
    expect(cycle).to_have_text("2023")  # the title it held then, of the cycle before
    context.close()
    assert elsewhere == []

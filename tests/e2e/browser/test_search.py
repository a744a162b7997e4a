"""Searching from the header, as a shopper would: the results grouped by kind, as
`/v1/search` ranks them, and on to the leaders of what was found."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.browser.live import Live


def test_search_an_enterprise_and_open_its_page_and_titles(en: Page, site: Live) -> None:
    en.goto("/")
    en.get_by_label("Search", exact=True).fill(site.leader_code)
    en.get_by_label("Search", exact=True).press("Enter")
    expect(en.locator("h1")).to_contain_text(site.leader_code)
    enterprises = en.locator("#found-enterprises + ul")
    expect(enterprises.locator("li")).to_have_count(1)
    enterprises.get_by_role("link", name="its titles").click()
    assert f"credit_code={site.leader_code}" in en.url
    expect(en.locator(".total")).to_have_text("1 title")
    en.go_back()
    en.locator("#found-enterprises + ul").get_by_role("link").first.click()
    assert en.url.endswith(f"/enterprises/{site.leader_code}")
    expect(en.locator("#titles-now + .table-wrap tbody tr")).to_have_count(1)


def test_search_words_find_each_kind_in_chinese(zh: Page) -> None:
    zh.goto("/search?q=Refrigerators")
    expect(zh.locator("h1")).to_contain_text("搜索结果")
    expect(zh.locator("#found-schemes")).to_be_visible()
    zh.locator("#found-schemes + ul").get_by_role("link", name="其领跑者").click()
    expect(zh.locator(".total")).to_contain_text("项称号")
    assert "cycle=2025" in zh.url


def test_a_one_character_search_asks_for_more(en: Page) -> None:
    response = en.goto("/search?q=F")
    assert response is not None and response.status == 200
    expect(en.locator("main")).to_contain_text("at least two characters")
    en.goto("/search?q=zzzzqqq")
    expect(en.locator("main")).to_contain_text("Nothing matches")

"""What a person does on the website, in a real browser: read the home page and the
leaders in both languages, switch language, filter, page through, look back in time."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser.conftest import DESKTOP, open_context
from tests.e2e.browser.live import LEADERS, Live


def test_the_home_page_speaks_the_readers_language(zh: Page, en: Page) -> None:
    zh.goto("/")
    expect(zh.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(zh.locator("h1")).to_have_text("企业标准领跑者名录")
    counts = zh.locator(".counts")
    expect(counts).to_contain_text("有效称号")
    expect(counts.locator("dd").first).to_have_text(str(LEADERS - 1))
    expect(zh.locator("#revocations + ul")).to_contain_text("false declaration")
    expect(zh.get_by_role("link", name="家用电冰箱")).to_be_visible()

    en.goto("/")
    expect(en.locator("html")).to_have_attribute("lang", "en")
    expect(en.locator("h1")).to_have_text("Enterprise Standard Leader Registry")
    expect(en.get_by_role("link", name="Refrigerators")).to_be_visible()


def test_a_language_chosen_is_remembered(zh: Page) -> None:
    zh.goto("/leaders?level=national")
    zh.get_by_role("link", name="English").click()
    expect(zh.locator("html")).to_have_attribute("lang", "en")
    assert zh.url.endswith("/leaders?level=national")  # back on the same page, filters kept
    zh.get_by_role("link", name="Home").click()
    expect(zh.locator("html")).to_have_attribute("lang", "en")
    zh.get_by_role("link", name="中文").click()
    expect(zh.locator("h1")).to_have_text("企业标准领跑者名录")


def test_the_leaders_filter_and_the_url_can_be_shared(
    en: Page, browser: Browser, site: Live
) -> None:
    en.goto("/leaders")
    expect(en.locator(".total")).to_have_text(f"{LEADERS - 1} titles")
    en.get_by_label("Category").select_option(label="Washers (C3971)")
    en.get_by_role("button", name="Show").click()
    expect(en.locator("main")).to_contain_text("No titles match these filters.")
    assert "category=C3971" in en.url

    en.get_by_label("Category").select_option(label="Refrigerators (C3851)")
    en.get_by_label("Level").select_option(label="National")
    en.get_by_label("Cycle (year)").fill("2025")
    en.get_by_role("button", name="Show").click()
    expect(en.locator(".total")).to_have_text(f"{LEADERS - 1} titles")
    shared = en.url
    assert "category=C3851" in shared and "level=national" in shared and "cycle=2025" in shared

    # The same address opened elsewhere shows the same list, its form filled in.
    other = open_context(browser, site, [], locale="en", viewport=DESKTOP).new_page()
    other.goto(shared)
    expect(other.get_by_label("Cycle (year)")).to_have_value("2025")
    expect(other.locator(".total")).to_have_text(f"{LEADERS - 1} titles")
    other.context.close()


def test_a_bad_filter_is_a_friendly_page(en: Page) -> None:
    response = en.goto("/leaders?cycle=abc")
    assert response is not None and response.status == 400
    expect(en.locator("h1")).to_have_text("That search cannot be shown")
    expect(en.locator("main")).to_contain_text("cycle")


def test_paging_through_the_leaders(zh: Page) -> None:
    zh.goto("/leaders")
    expect(zh.locator("tbody tr")).to_have_count(20)
    zh.get_by_role("link", name="下一页").click()
    expect(zh.locator("caption")).to_contain_text("第 2 页，共 2 页")
    expect(zh.locator("tbody tr")).to_have_count(LEADERS - 1 - 20)
    assert zh.url.endswith("page=2")
    zh.get_by_role("link", name="上一页").click()
    expect(zh.locator("tbody tr")).to_have_count(20)


def test_the_list_as_it_stood_on_a_day(en: Page, site: Live) -> None:
    en.goto("/leaders")
    en.get_by_label("As of (date)").fill(site.awarded_on.isoformat())
    en.get_by_role("button", name="Show").click()
    assert f"as_of={site.awarded_on.isoformat()}" in en.url
    expect(en.locator(".total")).to_have_text(f"{LEADERS} titles")  # the revoked one, still
    expect(en.locator(".as-of")).to_contain_text(site.awarded_on.isoformat())
    moment = f"{site.awarded_on.isoformat()}T23%3A59%3A59.999999%2B08%3A00"
    expect(en.locator("a", has_text="CSV")).to_have_attribute(
        "href", f"/v1/leaders?as_of={moment}&format=csv"
    )
    expect(en.locator("a", has_text="JSON")).to_have_attribute(
        "href", f"/v1/leaders?as_of={moment}&limit=20&offset=0"
    )
    # Never an expired or revoked title shown as in force: every row says "In force".
    statuses = en.locator("tbody .status").all_inner_texts()
    assert statuses and set(statuses) == {"In force"}


def test_a_missing_page_is_friendly_in_each_language(zh: Page, en: Page) -> None:
    response = zh.goto("/no/such/page")
    assert response is not None and response.status == 404
    expect(zh.locator("h1")).to_have_text("页面不存在")
    response = en.goto("/no/such/page")
    assert response is not None and response.status == 404
    expect(en.locator("h1")).to_have_text("Page not found")
    expect(en.locator("html")).to_have_attribute("lang", "en")


def test_the_csv_link_downloads_the_list(en: Page, site: Live) -> None:
    en.goto("/leaders?level=national")
    href = en.locator("a", has_text="CSV").get_attribute("href")
    assert href is not None
    response = en.request.get(site.base_url + href)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    assert len(response.text().strip().splitlines()) == 1 + LEADERS - 1  # a header, each title

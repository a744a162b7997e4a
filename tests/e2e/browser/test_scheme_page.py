"""A scheme's page in a real browser: the demo's refrigerators (a tie at the cut-off, a
revoked title, entries not ranked and why), a ranking paged by its links, the chart's name
and description for a screen reader; on a phone too."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from cli.demo.data import FORMAT_PROBLEM
from tests.e2e.browser.conftest import DESKTOP, PHONE, offline, open_context
from tests.e2e.browser.live import LEADERS, Live, scheme_id


def test_the_demo_refrigerators_show_the_tie_the_cut_off_and_the_reasons(
    browser: Browser, demo: tuple[str, dict[str, Any]], elsewhere: list[str]
) -> None:
    base, summary = demo
    context = browser.new_context(base_url=base, locale="en", viewport=DESKTOP)
    offline(context, base, elsewhere)
    page = context.new_page()
    page.goto(f"/schemes/{summary['schemes']['refrigerators_current']}")
    expect(page.locator("h1")).to_contain_text("Household refrigerators")
    expect(page.locator(".timeline")).to_contain_text("Titles awarded")
    rows = page.locator("#ranking-table tbody tr")
    tied = [page.locator(f"#entry-{c}") for c in summary["candidacies"]["tied"]]
    for row in tied:
        expect(row.locator("th")).to_have_text("3 tie")
    expect(tied[1]).to_contain_text("Revoked")  # the title the upheld complaint revoked
    expect(rows.nth(4)).to_have_class("cutoff")  # below the two tied at the cut-off
    expect(
        page.get_by_role("img", name="Scores of the ranked entries on page 1 of 1")
    ).to_be_visible()

    page.get_by_role("link", name="Entries not ranked (3)").click()
    reasons = page.locator("#ranking-table td.reason").all_text_contents()
    assert FORMAT_PROBLEM in reasons and len(reasons) == 3 and all(reasons)
    context.close()
    assert elsewhere == []


def described_by(page: Page, selector: str) -> str:
    """The text of the elements an element's `aria-describedby` names."""
    text: str = page.eval_on_selector(
        selector,
        """element => element.getAttribute("aria-describedby").split(" ")
            .map(id => document.getElementById(id).textContent).join(" ")""",
    )
    return text


def test_a_scheme_pages_through_its_ranking_and_its_chart_has_a_text_alternative(
    en: Page, site: Live
) -> None:
    scheme = scheme_id(site.base_url)
    en.goto(f"/schemes/{scheme}")
    expect(en.locator("h1")).to_have_text("Refrigerators 2025")
    expect(en.locator("main")).to_contain_text("Refrigerators C3851")  # category, named
    chart = en.get_by_role("img", name="Scores of the ranked entries on page 1 of 2")
    expect(chart).to_be_visible()
    assert "the dashed line is the cut-off" in described_by(en, "#score-chart svg")
    assert "Ranked entries, page 1 of 2" in described_by(en, "#score-chart svg")  # the table
    rows = en.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first.locator("th")).to_have_text("1")

    en.get_by_role("link", name="Next page").click()
    assert en.url.endswith(f"/schemes/{scheme}?page=2#ranking")
    expect(en.locator("#ranking-caption")).to_have_text("Ranked entries, page 2 of 2")
    places = en.locator("#ranking-table tbody th").all_text_contents()
    assert places == [str(n) for n in range(21, LEADERS + 3)]
    cut = en.locator("#ranking-table tr.cutoff")
    expect(cut).to_contain_text("Cut-off: the entries above qualify")
    second = en.get_by_role("img", name="Scores of the ranked entries on page 2 of 2")
    expect(second).to_be_visible()
    expect(en.locator("main")).to_contain_text("Entered24")

    en.get_by_role("link", name="Entries not ranked (0)").click()
    expect(en.locator("main")).to_contain_text("No entries on this page.")
    en.get_by_role("link", name=f"Ranked entries ({LEADERS + 2})").click()
    expect(en.locator("#ranking-caption")).to_have_text("Ranked entries, page 1 of 2")

    # The chart shows the chosen entry's indicators; each entry links to its leader page.
    rows.nth(1).get_by_role("link", name="Chart against the baselines").click()
    assert "entry=" in en.url and en.url.endswith("#indicator-chart")
    name = "Indicator values of Fridge Maker 1 against the baselines"
    expect(en.get_by_role("img", name=name)).to_be_visible()
    expect(rows.nth(1).locator("a[href^='/leaders/']")).to_have_count(1)


def test_the_scheme_page_fits_a_phone_in_chinese(browser: Browser, site: Live) -> None:
    context = open_context(browser, site, [], locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.goto(f"/schemes/{scheme_id(site.base_url)}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="排行榜")).to_be_visible()
    expect(page.locator("#score-chart svg")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # wide tables scroll inside their own box
    context.close()

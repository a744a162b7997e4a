"""Reporting a problem in a real browser without JavaScript: the leader page's form files a
report, the receipt page shows its receipt and secret, and `/reports/follow` shows its
status, in Chinese and in English, on a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser.conftest import PHONE, offline
from tests.e2e.browser.live import Live


@pytest.fixture(params=["zh-CN", "en"])
def no_script(request: pytest.FixtureRequest, browser: Browser, site: Live) -> Iterator[Page]:
    """A phone-sized page with JavaScript off, in each language."""
    asked: list[str] = []
    context = browser.new_context(
        base_url=site.base_url, locale=request.param, viewport=PHONE, java_script_enabled=False
    )
    offline(context, site.base_url, asked)
    yield context.new_page()
    context.close()
    assert asked == []


def test_a_report_filed_from_the_leader_page_is_followed_with_its_secret(
    no_script: Page, site: Live
) -> None:
    page = no_script
    page.goto(f"/leaders/{site.leader_id}")
    chinese = page.locator("html").get_attribute("lang") == "zh-CN"
    form = page.locator("form.report-form")
    form.locator("#report-grounds").select_option("nonconformity")
    form.locator("#report-description").fill(f"The label is wrong ({'zh' if chinese else 'en'}).")
    form.locator("#report-evidence").fill("https://example.org/photo.jpg")
    form.locator("#report-email").fill("reader@example.org")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(
        "您的举报已收到" if chinese else "Your report was received"
    )
    codes = page.locator(".receipt .code")
    receipt, secret = codes.nth(0).inner_text(), codes.nth(1).inner_text()
    assert secret.startswith("rs_") and len(receipt) == 36
    page.get_by_role("link", name="查询您的举报" if chinese else "Follow your report").click()
    page.locator("#follow-receipt").fill(receipt)
    page.locator("#follow-secret").fill(secret)
    page.locator("form.report-form button[type=submit]").click()
    status = "已收到：等待监管部门处理。" if chinese else "Received: waiting for a regulator"
    expect(page.locator("#status + p")).to_contain_text(status)
    assert secret not in page.content()  # the secret field is never filled in again

"""`/docs` and `/redoc` work with the network cut off: every asset is the service's own."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.browser.live import Live

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_docs_pages_reference_no_other_origin(site: Live) -> None:
    for path in ("/docs", "/redoc"):
        page = httpx.get(site.base_url + path)
        assert page.status_code == 200
        assets = ASSET.findall(page.text)
        assert assets, path
        for asset in assets:
            assert asset.startswith("/"), (path, asset)
            assert httpx.get(site.base_url + asset).status_code == 200, asset
        assert "https://" not in page.text and "http://" not in page.text


def test_swagger_ui_renders_offline(en: Page) -> None:
    en.goto("/docs")
    expect(en.locator(".swagger-ui .info .title")).to_contain_text(
        "leader registry", timeout=20_000
    )


def test_redoc_renders_offline(en: Page) -> None:
    en.goto("/redoc")
    expect(en.locator("h1").first).to_contain_text("leader registry", timeout=20_000)

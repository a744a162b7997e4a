"""Browser fixtures: Debian's Chromium driven by Playwright, the service on a real port.

The browser is `/usr/bin/chromium` (`apt-get install chromium fonts-noto-cjk`, which
`.ci/run` and `dev.py test` do as root when it is missing); Playwright's own browsers are
never downloaded. Without it these tests are skipped locally, and fail under CI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, ViewportSize, sync_playwright

from cli.demo.story import load_demo
from registry.settings import Settings
from tests.e2e.browser.live import Live, live, served, settle

CHROMIUM = Path("/usr/bin/chromium")
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per module: sync Playwright holds an event loop on this thread while it
    runs, so it must stop before the async tests of other modules start."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; the browser tests must not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The service with its story, on SQLite, shared by a module's tests (they only read)."""
    path = tmp_path_factory.mktemp("site") / "registry.sqlite3"
    with live(Settings(database_url=f"sqlite:///{path}")) as running:
        yield running


def offline(context: BrowserContext, base_url: str, asked: list[str]) -> None:
    """Cut the network off: any request not to the service is noted and aborted."""

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            asked.append(url)
            request_route.abort()

    context.route("**/*", route)


@pytest.fixture
def elsewhere() -> list[str]:
    """The third-party requests a test's pages tried (they must be none)."""
    return []


def open_context(
    browser: Browser, site: Live, elsewhere: list[str], *, locale: str, viewport: ViewportSize
) -> BrowserContext:
    context = browser.new_context(
        base_url=site.base_url,
        locale=locale,
        viewport=viewport,
        java_script_enabled=True,  # axe needs it; the pages themselves use none
    )
    offline(context, site.base_url, elsewhere)
    return context


@pytest.fixture
def zh(browser: Browser, site: Live, elsewhere: list[str]) -> Iterator[Page]:
    """A desktop page whose browser prefers Chinese."""
    context = open_context(browser, site, elsewhere, locale="zh-CN", viewport=DESKTOP)
    yield context.new_page()
    context.close()
    assert elsewhere == []


@pytest.fixture
def en(browser: Browser, site: Live, elsewhere: list[str]) -> Iterator[Page]:
    """A desktop page whose browser prefers English."""
    context = open_context(browser, site, elsewhere, locale="en-GB", viewport=DESKTOP)
    yield context.new_page()
    context.close()
    assert elsewhere == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The service with the demo dataset (`leader-registry demo`): its URL and summary."""
    path = tmp_path_factory.mktemp("demo") / "registry.sqlite3"
    with served(Settings(database_url=f"sqlite:///{path}")) as (base, app, clock):
        summary = load_demo(app.state.registry, now=clock())
        settle(base, app.state.registry)
        yield base, summary

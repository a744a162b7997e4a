"""Screenshots of the main pages in both languages, for docs/screenshots/.

    python3 dev.py run python -m tests.e2e.browser.screenshots [DIR]

Serves the browser tests' story on a throw-away SQLite store and photographs each page
in Chinese and in English on a desktop window (and the leaders and notices on a phone)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

from registry.settings import Settings
from tests.e2e.browser.conftest import CHROMIUM, DESKTOP, PHONE
from tests.e2e.browser.live import live, scheme_id

LEADER = "/leaders/{leader_id}"  # a title in force (its id is known once the story is told)
SHOTS: list[tuple[str, str, str, ViewportSize]] = [
    ("home", "/", "zh-CN", DESKTOP),
    ("home", "/", "en", DESKTOP),
    ("leaders", "/leaders", "zh-CN", DESKTOP),
    ("leaders", "/leaders", "en", DESKTOP),
    ("leaders-phone", "/leaders?page=2", "zh-CN", PHONE),
    ("leader", LEADER, "zh-CN", DESKTOP),
    ("leader", LEADER, "en", DESKTOP),
    ("leader-phone", LEADER, "zh-CN", PHONE),
    ("notices", "/notices", "zh-CN", DESKTOP),
    ("notices", "/notices", "en", DESKTOP),
    ("notices-phone", "/notices", "zh-CN", PHONE),
    ("complaints", "/complaints", "zh-CN", DESKTOP),
    ("audit", "/audit", "zh-CN", DESKTOP),
    ("audit", "/audit", "en", DESKTOP),
    ("enterprise", "/enterprises/{leader}", "zh-CN", DESKTOP),
    ("enterprise", "/enterprises/{leader}", "en", DESKTOP),
    ("scheme", "/schemes/{scheme}?page=2", "zh-CN", DESKTOP),
    ("scheme", "/schemes/{scheme}?page=2", "en", DESKTOP),
    ("scheme-phone", "/schemes/{scheme}", "zh-CN", PHONE),
    ("report", LEADER + "/report", "zh-CN", DESKTOP),
    ("report-phone", LEADER + "/report", "zh-CN", PHONE),
    ("report-follow", "/reports/follow", "en", DESKTOP),
    ("body-suspended", "/bodies/{suspended_body}", "zh-CN", DESKTOP),
    ("body-suspended", "/bodies/{suspended_body}", "en", DESKTOP),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        with live(Settings(database_url=f"sqlite:///{tmp}/registry.sqlite3")) as site:
            scheme = scheme_id(site.base_url)
            for name, path, locale, viewport in SHOTS:
                context = browser.new_context(locale=locale, viewport=viewport)
                page = context.new_page()
                ids = {
                    "leader_id": site.leader_id,
                    "leader": site.leader_code,
                    "scheme": scheme,
                    "suspended_body": site.suspended_body,
                }
                page.goto(site.base_url + path.format(**ids))
                target = out / f"{name}.{locale}.png"
                page.screenshot(path=str(target), full_page=viewport == PHONE)
                print(target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

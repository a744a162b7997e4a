"""The website links the Atom feeds: a `<link rel="alternate">` in the head of the home,
notices, enterprise, scheme and category (leaders by category) pages, and a visible
subscribe link, in both languages; every linked feed answers."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.e2e.api import Api
from tests.e2e.atom_feed import fetch
from tests.worlds import ADMIN, CATEGORY, ENERGY, award_cycle, build_world, credit_code


class Links(HTMLParser):
    """A page's feed links: those in its head and the visible ones."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[tuple[str, str]] = []
        self.visible: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.in_head = self.in_head or tag == "head"
        if tag == "body":
            self.in_head = False
        if found.get("type") != "application/atom+xml":
            return
        if tag == "link" and self.in_head and found.get("rel") == "alternate":
            self.head.append((found.get("href") or "", found.get("title") or ""))
        elif tag == "a":
            self.visible.append(found.get("href") or "")


async def links(api: Api, path: str, language: str) -> Links:
    response = await api.client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, path
    parsed = Links()
    parsed.feed(response.text)
    return parsed


async def test_pages_link_their_feeds(api: Api) -> None:
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    scheme, _ = award_cycle(world, 2025, [40, 45], top_n=1)
    api.registry.define_category(ADMIN, code=CATEGORY, name_zh="冰箱", name_en="Refrigerators")
    await api.settle()
    code = credit_code(0)
    pages = {
        "/": ("/feeds/notices.atom", "公示", "Notices"),
        "/notices": ("/feeds/notices.atom", "公示", "Notices"),
        f"/enterprises/{code}": (f"/feeds/enterprises/{code}.atom", f"企业 {code}", code),
        f"/schemes/{scheme}": (f"/feeds/schemes/{scheme}.atom", "评估方案", scheme),
        f"/leaders?category={CATEGORY}": (
            f"/feeds/categories/{CATEGORY}.atom",
            f"类别 {CATEGORY}",
            f"category {CATEGORY}",
        ),
    }
    for path, (feed, chinese, english) in pages.items():
        for language, words in (("zh-CN", chinese), ("en", english)):
            found = await links(api, path, language)
            assert [href for href, _ in found.head] == [feed], path
            assert words in found.head[0][1], (path, found.head)
            assert found.visible == [feed], path
        assert (await fetch(api, feed)).entries, feed
    # The leaders of no chosen category link no feed.
    assert (await links(api, "/leaders", "en")).head == []

"""The Atom document of notices (service/pages/atom.py): well-formed whatever the text holds,
both languages in every title, the archive marker and links only where they belong."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from projections.notice_feed import FeedPage
from service.pages import atom

A = "{http://www.w3.org/2005/Atom}"
AT = datetime(2026, 3, 1, 1, 2, 3, tzinfo=UTC)


def notice(**changes: Any) -> dict[str, Any]:
    row = {
        "position": 42,
        "kind": "revocation",
        "candidacy_id": "c0ffee00-0000-4000-8000-000000000001",
        "scheme_id": "5c4e0000-0000-4000-8000-000000000002",
        "credit_code": "9112000000000XGN42",
        "category": "C3851",
        "enterprise_name": "海尔 & <Haier>",
        "product_name": "冰箱",
        "product_model": "BCD-200",
        "standard_number": "Q/TJ 0001-2024",
        "cycle": 2025,
        "level": "national",
        "rank": 1,
        "at": AT,
        "until": None,
        "reason": "forged test report",
    }
    return {**row, **changes}


def write(page: FeedPage, prev: str | None = None, next_: str | None = None) -> bytes:
    links = atom.Links(
        "https://r.example/self", "https://r.example/cur", "https://r.example/n", prev, next_
    )
    return atom.document(
        page,
        name="/feeds/notices",
        title=atom.both("Notices"),
        links=links,
        url=lambda path: "https://r.example" + path,
        empty_updated=AT,
    )


def test_text_xml_forbids_is_replaced_and_the_rest_escaped() -> None:
    name = "bad\x00\x01\x0b\ud800\ufffe name & <tag>\ttab"
    body = write(FeedPage([notice(enterprise_name=name)], AT, None, archived=False))
    root = ET.fromstring(body)  # well-formed
    title = root.find(f"{A}entry/{A}title")
    assert title is not None and title.text is not None
    assert "bad\ufffd\ufffd\ufffd\ufffd\ufffd name & <tag>\ttab" in title.text
    assert atom.clean("a\x1fb\nc") == "a\ufffdb\nc"


def test_titles_and_summaries_read_in_chinese_then_english() -> None:
    body = write(FeedPage([notice()], AT, None, archived=False))
    entry = ET.fromstring(body).find(f"{A}entry")
    assert entry is not None
    title = entry.findtext(f"{A}title") or ""
    assert title.startswith("称号被撤销：海尔 & <Haier> 冰箱 BCD-200 / Title revoked: ")
    summary = entry.findtext(f"{A}summary") or ""
    assert "国家级" in summary and "National level" in summary
    assert "原因：forged test report" in summary and "Reason: forged test report" in summary
    assert entry.findtext(f"{A}updated") == "2026-03-01T01:02:03Z"


def test_ids_are_stable_and_distinct() -> None:
    first = ET.fromstring(write(FeedPage([notice()], AT, None, archived=False)))
    again = ET.fromstring(write(FeedPage([notice()], AT, None, archived=False)))
    other = ET.fromstring(write(FeedPage([notice(position=43)], AT, None, archived=False)))
    ids = [doc.findtext(f"{A}entry/{A}id") for doc in (first, again, other)]
    assert ids[0] == ids[1] != ids[2] and (ids[0] or "").startswith("urn:uuid:")
    assert first.findtext(f"{A}id") == other.findtext(f"{A}id")  # the feed's own


def test_only_an_archive_page_is_marked_and_links_go_where_given() -> None:
    current = ET.fromstring(write(FeedPage([], None, 7, archived=False), prev="https://r/p"))
    assert current.find("{http://purl.org/syndication/history/1.0}archive") is None
    assert current.findtext(f"{A}updated") == "2026-03-01T01:02:03Z"  # empty: the moment given
    rels = {link.get("rel"): link.get("href") for link in current.findall(f"{A}link")}
    assert rels == {
        "self": "https://r.example/self",
        "current": "https://r.example/cur",
        "alternate": "https://r.example/n",
        "prev-archive": "https://r/p",
    }
    archived = ET.fromstring(
        write(FeedPage([notice()], AT, None, archived=True), next_="https://r/x")
    )
    assert archived.find("{http://purl.org/syndication/history/1.0}archive") is not None
    assert [link.get("rel") for link in archived.findall(f"{A}link")][-1] == "next-archive"

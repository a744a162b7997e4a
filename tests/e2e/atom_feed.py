"""Reading the Atom feeds as a reader does: parse, check the required elements (RFC 4287),
walk the archive pages back (RFC 5005), and what the log says the feeds should hold."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.candidacy import Candidacy
from registry.application import LeaderRegistry
from tests.e2e.api import Api

A = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
KINDS = {
    Candidacy.Ranked: "publicity",
    Candidacy.Awarded: "award",
    Candidacy.Revoked: "revocation",
    Candidacy.Expired: "expiry",
    Candidacy.Superseded: "supersession",
    Candidacy.Withdrawn: "withdrawal",
}


@dataclass
class Doc:
    """One feed document: its links by relation, its entries (kind, leader path, id)."""

    body: bytes
    links: dict[str, str]
    entries: list[tuple[str, str, str]]
    archived: bool


def _required(element: ET.Element, tag: str) -> str:
    found = element.find(A + tag)
    assert found is not None and (found.text or "").strip(), f"no {tag}"
    return found.text or ""


def _moment(text: str) -> datetime:
    assert text.endswith("Z"), text  # RFC 3339, in UTC
    return datetime.fromisoformat(text)


def parse(body: bytes, base: str) -> Doc:
    """A conforming feed document (else an assertion fails), as a `Doc`."""
    root = ET.fromstring(body)
    assert root.tag == A + "feed"
    assert _required(root, "id").startswith("urn:uuid:")
    _required(root, "title")
    _moment(_required(root, "updated"))
    author = root.find(A + "author")
    assert author is not None and _required(author, "name")
    links = {link.get("rel", ""): link.get("href", "") for link in root.findall(A + "link")}
    assert {"self", "current", "alternate"} <= set(links)
    entries = []
    for entry in root.findall(A + "entry"):
        entry_id = _required(entry, "id")
        assert entry_id.startswith("urn:uuid:")
        _required(entry, "title")
        _required(entry, "summary")
        _moment(_required(entry, "updated"))
        alternate = [e for e in entry.findall(A + "link") if e.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("type") == "text/html"
        href = alternate[0].get("href", "")
        assert href.startswith(base + "/leaders/"), href
        category = entry.find(A + "category")
        assert category is not None
        entries.append((category.get("term", ""), href.removeprefix(base), entry_id))
    assert len({e[2] for e in entries}) == len(entries)
    archived = root.find(FH + "archive") is not None
    return Doc(body, {k: v.removeprefix(base) for k, v in links.items()}, entries, archived)


async def fetch(api: Api, path: str) -> Doc:
    response = await api.read(path)
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["etag"]
    return parse(response.content, str(api.client.base_url).rstrip("/"))


async def walk(api: Api, path: str) -> tuple[list[tuple[str, str]], list[Doc]]:
    """Every notice of the feed at `path`, oldest first, each once (by its id, as RFC 5005
    readers keep them), and the archive pages met, newest first."""
    current = await fetch(api, path)
    assert not current.archived and "next-archive" not in current.links
    seen: dict[str, tuple[str, str]] = {e[2]: e[:2] for e in current.entries}
    archives: list[Doc] = []
    following = current.links.get("prev-archive")
    while following is not None:
        page = await fetch(api, following)
        assert page.archived and page.links["self"] == following
        assert page.links["current"] == current.links["self"]
        archives.append(page)
        for entry in page.entries:
            seen.setdefault(entry[2], entry[:2])
        following = page.links.get("prev-archive")
    ordered = [*current.entries, *(e for page in archives for e in page.entries)]
    unique = list(dict.fromkeys(e[2] for e in ordered))
    return [seen[i] for i in reversed(unique)], archives


def expected(registry: LeaderRegistry, **subject: str) -> list[tuple[str, str]]:
    """The notices the log holds (kind, leader path), oldest first, of candidacies whose
    entry matches `subject` (scheme_id, credit_code, category)."""
    notices: list[tuple[str, str]] = []
    matching: set[str] = set()
    for notification in registry.recorder.select_notifications(start=1, limit=10**6):
        event: Any = registry.mapper.to_domain_event(notification)
        key = str(event.originator_id)
        if isinstance(event, Candidacy.Entered):
            facts = {
                "scheme_id": str(event.scheme_id),
                "credit_code": event.enterprise.credit_code,
                "category": event.category,
            }
            if all(facts[k] == v for k, v in subject.items()):
                matching.add(key)
        kind = KINDS.get(type(event))
        if kind is None or key not in matching:
            continue
        if isinstance(event, Candidacy.Ranked) and not event.qualified:
            continue
        notices.append((kind, f"/leaders/{key}"))
    return notices

"""An Atom document (RFC 4287, with RFC 5005's archive links) of notices, written with the
standard library's ElementTree: Chinese first, then English, in every title and summary, so
a feed's content is the same whoever asks for it."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from projections.notice_feed import FeedPage
from service.languages import LANGUAGES
from service.pages.feed_links import MEDIA_TYPE, N_
from service.pages.templating import translations

ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"  # RFC 5005
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The namespace of the feeds' and entries' ids (urn:uuid, from a name: stable forever).
IDS = uuid.UUID("0f6f1f4e-5c1e-5d0e-9b7a-6c0c2a7e51a4")
# What XML 1.0 does not allow in a document, even escaped: replaced by U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


TITLES = {
    "publicity": N_("Publicity window opened: %(subject)s"),
    "award": N_("Title awarded: %(subject)s"),
    "revocation": N_("Title revoked: %(subject)s"),
    "expiry": N_("Title expired: %(subject)s"),
    "supersession": N_("Title superseded: %(subject)s"),
    "withdrawal": N_("Title ended, its standard withdrawn: %(subject)s"),
}
ABOUT = N_("Category %(category)s, cycle %(cycle)s, %(level)s level, standard %(standard)s.")
LEVELS = {"national": N_("National"), "provincial": N_("Provincial"), "municipal": N_("Municipal")}
RANK = N_("Rank %(rank)s.")
OBJECTIONS = N_("Objections until %(until)s.")
VALID = N_("Valid until %(until)s.")
REASON = N_("Reason: %(reason)s")
REGISTRY = N_("Enterprise Standard Leader Registry")


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("\ufffd", text)


class Word(str):
    """A value that is itself a message: translated along with the message it fills."""

    __slots__ = ()


def _in(language: str, message: str, values: dict[str, Any]) -> str:
    say = translations(language).gettext
    return say(message) % {k: say(v) if isinstance(v, Word) else v for k, v in values.items()}


def both(message: str, **values: Any) -> str:
    """The message in Chinese, then in English (once when they read the same)."""
    said = [_in(language, message, values) for language in LANGUAGES]
    return clean(" / ".join(dict.fromkeys(said)))


def stamp(moment: datetime) -> str:
    """An RFC 3339 date-time in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def name_id(name: str) -> str:
    """A stable `urn:uuid:` for a name."""
    return uuid.uuid5(IDS, name).urn


@dataclass(frozen=True)
class Links:
    """A document's addresses (absolute): itself, the feed's current document, the web page
    it follows, and its archive neighbours."""

    self: str
    current: str
    page: str
    prev_archive: str | None
    next_archive: str | None


def _summary(e: dict[str, Any]) -> str:
    parts = [
        ABOUT,
        *([RANK] if e["kind"] == "publicity" and e["rank"] is not None else []),
        *([OBJECTIONS] if e["kind"] == "publicity" and e["until"] is not None else []),
        *([VALID] if e["kind"] in ("award", "expiry") and e["until"] is not None else []),
        *([REASON] if e["reason"] else []),
    ]
    values = {
        "category": e["category"],
        "cycle": e["cycle"],
        "level": Word(LEVELS.get(e["level"], e["level"])),
        "standard": e["standard_number"],
        "rank": e["rank"],
        "until": e["until"].date().isoformat() if e["until"] is not None else "",
        "reason": e["reason"] or "",
    }
    return " ".join(both(part, **values) for part in parts)


def _link(parent: ET.Element, rel: str, href: str, kind: str | None = None) -> None:
    attributes = {"rel": rel, "href": href}
    if kind is not None:
        attributes["type"] = kind
    ET.SubElement(parent, "link", attributes)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = clean(text)


def _entry(root: ET.Element, e: dict[str, Any], url: Callable[[str], str]) -> None:
    entry = ET.SubElement(root, "entry")
    _text(entry, "id", name_id(f"notice:{e['candidacy_id']}:{e['kind']}:{e['position']}"))
    subject = f"{e['enterprise_name']} {e['product_name']} {e['product_model']}"
    _text(entry, "title", both(TITLES[e["kind"]], subject=subject))
    _text(entry, "updated", stamp(e["at"]))
    _link(entry, "alternate", url(f"/leaders/{e['candidacy_id']}"), "text/html")
    _link(entry, "related", url(f"/enterprises/{e['credit_code']}"), "text/html")
    _link(entry, "related", url(f"/schemes/{e['scheme_id']}"), "text/html")
    ET.SubElement(entry, "category", {"term": e["kind"]})
    _text(entry, "summary", _summary(e))


def document(
    page: FeedPage,
    *,
    name: str,
    title: str,
    links: Links,
    url: Callable[[str], str],
    empty_updated: datetime,
) -> bytes:
    """The feed document of `page`: its entries newest first, as UTF-8 XML."""
    # Plain tags under the namespaces the root declares: written as they read.
    root = ET.Element("feed", {"xmlns": ATOM, "xmlns:fh": HISTORY, XML_LANG: LANGUAGES[0]})
    _text(root, "id", name_id(f"feed:{name}"))
    _text(root, "title", title)
    _text(root, "updated", stamp(page.updated or empty_updated))
    author = ET.SubElement(root, "author")
    _text(author, "name", both(REGISTRY))
    _link(root, "self", links.self, MEDIA_TYPE)
    _link(root, "current", links.current, MEDIA_TYPE)
    _link(root, "alternate", links.page, "text/html")
    if links.prev_archive is not None:
        _link(root, "prev-archive", links.prev_archive, MEDIA_TYPE)
    if links.next_archive is not None:
        _link(root, "next-archive", links.next_archive, MEDIA_TYPE)
    if page.archived:
        ET.SubElement(root, "fh:archive")  # the prefix the root declares
    for e in page.entries:
        _entry(root, e, url)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written

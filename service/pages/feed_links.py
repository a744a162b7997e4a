"""Where a feed of notices lives, what it is called, and the links a page gives to it (its
`<link rel="alternate">` and its visible subscribe link)."""

from __future__ import annotations

from projections.notice_feed import Feed

MEDIA_TYPE = "application/atom+xml"
# The feeds of one record, by the path's plural: the record's kind in `notice_feed`.
KINDS = {"categories": "category", "enterprises": "enterprise", "schemes": "scheme"}


def N_(message: str) -> str:
    """Mark a message for the catalogues (pybabel's default keyword); translated later."""
    return message


TITLES = {
    "all": N_("Notices"),
    "category": N_("Notices of category %(key)s"),
    "enterprise": N_("Notices of enterprise %(key)s"),
    "scheme": N_("Notices of scheme %(key)s"),
}


def feed_path(feed: Feed) -> str:
    """The feed's path without `.atom`: its current document is this plus `.atom`."""
    if feed.key is None:
        return "/feeds/notices"
    plural = next(p for p, kind in KINDS.items() if kind == feed.kind)
    return f"/feeds/{plural}/{feed.key}"


def links(*feeds: Feed) -> list[dict[str, str]]:
    """What a page's templates need to link these feeds: the address, the title and its key
    (translated by the template: `_(title, key=key)`)."""
    return [
        {"href": f"{feed_path(feed)}.atom", "title": TITLES[feed.kind], "key": feed.key or ""}
        for feed in feeds
    ]

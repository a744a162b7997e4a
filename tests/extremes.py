"""Values at the registry's limits (`domain.limits`), request bodies with every field at its
maximum, and a check that projections keep up.

Strings are made of a 4-byte character (U+20000 is four bytes in UTF-8 and two UTF-16
units), so that a limit counted in bytes or units instead of characters shows.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from domain import limits
from domain.credit_code import make_credit_code
from projections.machinery.engines import sync_engine
from projections.running.read_side import all_projections
from projections.tables import tracking
from registry.application import LeaderRegistry
from registry.settings import Settings

WIDE = "\U00020000"


def wide(length: int, tail: str = "") -> str:
    """A text of exactly `length` characters, ending with `tail`."""
    return WIDE * (length - len(tail)) + tail


NAME = wide(limits.MAX_NAME)
LABEL = wide(limits.MAX_LABEL)
UNIT = wide(limits.MAX_UNIT)
# Free text with a line break in the middle (the only kind of text that may hold one).
TEXT = wide(limits.MAX_TEXT // 2, "\r\n") + wide(limits.MAX_TEXT // 2)

MOST = "9" * limits.MAX_DIGITS  # the largest decimal
LEAST = "-" + MOST  # the smallest
TINY = "0." + "0" * (limits.MAX_DIGITS - 2) + "1"  # the smallest positive one

# The ends of the range of moments, spelled with the most distant offsets.
LATEST = (limits.LATEST_MOMENT + timedelta(hours=14)).isoformat().replace("+00:00", "+14:00")
EARLIEST = (limits.EARLIEST_MOMENT - timedelta(hours=14)).isoformat().replace("+00:00", "-14:00")
# One microsecond past each end.
AFTER_LATEST = "9001-01-01T14:00:00+14:00"
BEFORE_EARLIEST = "1899-12-31T09:59:59.999999-14:00"


def category(n: int) -> str:
    """The n-th category code of the longest length."""
    return f"C{n:0>{limits.MAX_CATEGORY_CODE - 1}}"


def indicator(n: int) -> str:
    """The n-th indicator code of the longest length."""
    return f"i{n:0>31}"


CODES = [indicator(n) for n in range(limits.MAX_INDICATORS)]
CATEGORIES = [category(n) for n in range(limits.MAX_CATEGORIES)]
CODE = make_credit_code("91", "120000", 77)


# Request bodies with every field at its maximum ----------------------------------------------
def credential(role: str, subject: str) -> dict[str, Any]:
    return {"role": role, "subject": subject, "label": LABEL, "expires_at": LATEST}


def declaration(tail: str, value: str) -> dict[str, Any]:
    return {
        "enterprise": {"credit_code": CODE, "name": NAME, "region": "120000"},
        "standard_number": wide(limits.MAX_NAME, tail),
        **content(value),
    }


def content(value: str) -> dict[str, Any]:
    return {
        "title": NAME,
        "product": {"name": NAME, "model": LABEL, "category": CATEGORIES[-1]},
        "indicators": dict.fromkeys(CODES, value),
        "disclosed_on": limits.EARLIEST_DISCLOSURE.isoformat(),
        "commitment": True,
    }


def scheme(cycle: int) -> dict[str, Any]:
    # Core indicators whose baseline is the smallest positive value and weight the largest:
    # a candidate at MOST improves on it by about 10**79, a score far wider than its inputs.
    indicators = [
        {
            "code": code,
            "name": NAME,
            "unit": UNIT,
            "kind": "core",
            "direction": "higher_is_better",
            "baseline": TINY,
            "weight": MOST,
        }
        for code in CODES
    ]
    return {
        "title": NAME,
        "category": CATEGORIES[-1],
        "cycle": cycle,
        "level": "national",
        "region": "",
        "indicators": indicators,
        "top_n": limits.MAX_TOP_N,
        "publicity_days": 0,
        "validity_days": limits.MAX_VALIDITY_DAYS,
    }


def evaluation(value: str) -> dict[str, Any]:
    return {
        "values": dict.fromkeys(CODES, value),
        "units": dict.fromkeys(CODES, UNIT),
        "excluded": False,
        "reason": "",
    }


def tracked(settings: Settings) -> dict[str, int]:
    """Each projection's position, as its tracking row says."""
    engine = sync_engine(settings)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
    finally:
        engine.dispose()


def head_positions(registry: LeaderRegistry) -> dict[str, int]:
    """What `tracked` must say when every projection is at the head of the log."""
    head = int(registry.recorder.max_notification_id() or 0)
    return {projection.name: head for projection in all_projections()}

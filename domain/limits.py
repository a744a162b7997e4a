"""The limits of every value the registry accepts, each defined here once.

The request schemas (`service.schemas`), the command line and the read models
(`projections.tables`) follow from these, so that whatever is accepted can be recorded and
projected on every store: texts are stored as `Text` (no width), codes as wide as their
pattern allows, moments as timestamps both stores and Python can hold after conversion to UTC.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

# Texts, counted in characters (code points) after surrounding whitespace is stripped.
MAX_NAME = 200  # a required single line: names, titles, standard numbers, subjects
MAX_LABEL = 200  # an optional single line: labels, product models
MAX_TEXT = 4000  # free text, line breaks allowed: reasons, findings, descriptions
MAX_PHONE = 32  # a reporter's phone number
MAX_EMAIL = 254  # a reporter's email address (RFC 5321's longest path)
MAX_UNIT = 32  # an indicator's unit, as a scheme declares it and an evaluation states it

# Codes: ASCII only (`\d` and `\w` would also match other scripts' digits and letters).
CATEGORY_CODE = r"^[A-Z0-9][A-Z0-9.\-]{0,31}$"
MAX_CATEGORY_CODE = 32
INDICATOR_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$"
REGION_CODE = r"^[0-9]{6}$"  # an administrative division code

# Collections.
MAX_INDICATORS = 100  # of a scheme, and values of a declaration or an evaluation
MAX_CATEGORIES = 200  # an evaluation body is accredited for
MAX_EVIDENCE = 100  # items of a complaint or a report

# Decimals: finite, at most this many digits when written out in full (before and after the
# point, so `1E+39` has 40 and `0E-50` has 50): exact arithmetic on them stays cheap.
MAX_DIGITS = 40

# Whole numbers.
MIN_CYCLE, MAX_CYCLE = 1900, 9999  # a scheme's cycle is a year
MAX_TOP_N = 100_000
# A scheme's leaders as the top share of its ranked entries: a percentage above 0, at most
# 100, with at most this many decimal places (e.g. 12.5).
MAX_TOP_SHARE = 100
TOP_SHARE_PLACES = 2
MAX_PUBLICITY_DAYS = 3650
MAX_VALIDITY_DAYS = 36_500
MAX_EXPIRY_DAYS = 36_500  # a credential's lifetime when given in days (the CLI)

# Moments (expiries, `as_of`), after conversion to UTC: the registry adds at most
# MAX_VALIDITY_DAYS to a moment, and every result stays inside Python's and both stores' range.
EARLIEST_MOMENT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(9000, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
# Dates: a standard cannot have been disclosed before the People's Republic existed.
EARLIEST_DISCLOSURE = date(1949, 10, 1)

# Control characters (Cc); format characters (Cf): invisible bidi overrides such as U+202E
# and zero-width characters such as U+200B, which make text read other than it is; and
# surrogates (Cs), which are not characters at all and cannot be encoded.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
LINE_BREAKS = frozenset("\n\r\t")


def character_problem(value: str, *, lines: bool = False) -> str | None:
    """Why `value` holds a refused character (None if it holds none); `lines` allows breaks."""
    allowed = LINE_BREAKS if lines else frozenset()
    for ch in value:
        if unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in allowed:
            but = " other than line breaks" if lines else ""
            return (
                f"must not contain control or invisible formatting characters{but} "
                f"(found U+{ord(ch):04X})"
            )
    return None


def text_problem(value: str, maximum: int, *, lines: bool = False) -> str | None:
    """Why `value` is not a text of at most `maximum` characters (None if it is one)."""
    if len(value) > maximum:
        return f"must be at most {maximum} characters"
    return character_problem(value, lines=lines)


def decimal_problem(value: Decimal) -> str | None:
    """Why `value` is not a finite decimal of at most MAX_DIGITS digits (None if it is one)."""
    if not value.is_finite():
        return "must be a finite number"
    digits, exponent = value.as_tuple()[1:]
    assert isinstance(exponent, int)  # finite
    whole = max(len(digits) + exponent, 1)  # digits before the point, at least "0"
    places = max(-exponent, 0)  # digits after it
    if whole + places > MAX_DIGITS:
        return f"must have at most {MAX_DIGITS} digits written out in full"
    return None


def moment_problem(value: datetime) -> str | None:
    """Why `value` is not an aware moment inside the stated range (None if it is one)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return "must state its UTC offset"
    # Compare without converting: converting a moment near the ends may itself overflow.
    if value < EARLIEST_MOMENT or value > LATEST_MOMENT:
        return (
            f"must lie between {EARLIEST_MOMENT.isoformat()} and {LATEST_MOMENT.isoformat()} (UTC)"
        )
    return None


# Search (`GET /v1/search`): a query's length in characters, before and after normalisation
# (a one-character query would match a sizeable share of everything, and bigrams cannot
# serve it); hits shown per kind; matches counted per kind before the count says "more".
MAX_SEARCH_QUERY = 100
MIN_SEARCH_QUERY = 2
MAX_SEARCH_LIMIT = 50
SEARCH_COUNT_CAP = 1000

# The regulator's desk: the most days its overdue setting and its age filter may name.
MAX_DESK_DAYS = 3650

# Public reports (`POST /v1/reports`, anyone, no account): the largest request body accepted,
# in bytes (a full description and private note in Chinese, UTF-8, and every evidence link
# fit); a report holds at most MAX_REPORT_EVIDENCE evidence references.
MAX_REPORT_BODY = 65_536
MAX_REPORT_EVIDENCE = 20

# Event filters (the feed, the stream, webhook subscriptions): at most this many values of one
# field (event type, category, enterprise, body, scheme, candidacy), and of all fields together.
MAX_FILTER_VALUES = 20
MAX_FILTER_TOTAL = 50

# Webhook subscriptions (`/v1/subscriptions`): an endpoint URL's length in characters, and
# the subscriptions (not deleted) one subscriber may hold (its filters: the event filter's
# limits above). Deliveries of one event are retried for at most WEBHOOK_RETRY_DAYS.
MAX_WEBHOOK_URL = 2048
MAX_SUBSCRIPTIONS = 100
WEBHOOK_RETRY_DAYS = 3

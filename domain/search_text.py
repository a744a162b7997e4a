"""Search text: one normalisation for stored text and for queries, and the bigrams of both.

`normalise` folds what a reader should not have to type exactly: compatibility forms
(NFKC: full-width ＡＢＣ１２３ and half-width katakana become their usual forms), case
(`casefold`), and runs of white space (one space; control and invisible characters count as
space). `compact` is the separator-free form of a code or model number: `KFR-35GW`,
`kfr35gw`, `KFR 35GW` and `ＫＦＲ－３５ＧＷ` all give `kfr35gw`.

A document is its fields, each normalised and compacted, between line breaks (which
normalisation never leaves inside a field), so that `\\nQUERY\\n` finds a whole field,
`\\nQUERY` a field's start and `QUERY` any substring; its bigrams (two consecutive
characters, line breaks included) index it, and a query's bigrams must all be among a
match's. A query is looked up in its compact form: whatever holds the normalised query
holds its compact form too (removing the same characters from both keeps a substring a
substring), so one probe finds both spellings.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Iterable
from enum import IntEnum

from domain.limits import MAX_SEARCH_QUERY, MIN_SEARCH_QUERY, character_problem

BREAK = "\n"
# Separators inside codes and model numbers (after NFKC): hyphens and dashes, slashes,
# dots and middle dots; white space too. `_`, `%` and `\` are not: they are searched as
# themselves.
SEPARATORS = frozenset("-‐‑‒–—―−/.·・")
_SPACE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
_REMOVED = str.maketrans(dict.fromkeys([" ", *SEPARATORS]))


def normalise(text: str) -> str:
    """NFKC, case-folded, white space (and control characters) collapsed to single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = unicodedata.normalize("NFKC", folded)  # quick when folding changed nothing
    if not folded.isprintable():  # only then any space but " ", or a control character
        folded = "".join(
            " " if ch.isspace() or unicodedata.category(ch) in _SPACE_CATEGORIES else ch
            for ch in folded
        )
    return " ".join(folded.split())


def _bare(normal: str) -> str:
    """A normalised text without separators or spaces (and composed again)."""
    bare = normal.translate(_REMOVED)
    return unicodedata.normalize("NFKC", bare)  # a removed space may have split a sequence


def compact(text: str) -> str:
    """The normalised text without separators or spaces: a code's or model's bare form."""
    return _bare(normalise(text))


def document(fields: Iterable[str]) -> str:
    """The searchable text of a record: each field normalised, and compacted."""
    parts: list[str] = []
    for value in fields:
        normal = normalise(value)
        parts += [normal, _bare(normal)]
    kept = list(dict.fromkeys(p for p in parts if p))
    return BREAK + BREAK.join(kept) + BREAK if kept else ""


def bigrams(text: str) -> list[str]:
    """The distinct pairs of consecutive characters in `text`, sorted."""
    return sorted(set(map(operator.add, text, text[1:])))


def grams(text: str) -> list[str]:
    """What indexes a document: its bigrams, and the three characters at each field's start
    (`\\nab`) and end (`ab\\n`), which make whole-field and prefix lookups selective."""
    found = set(map(operator.add, text, text[1:]))
    for field in text.split(BREAK)[1:-1]:
        found.add((BREAK + field + BREAK)[:3])
        found.add((BREAK + field + BREAK)[-3:])
    return sorted(found)


def probe_grams(probe: str) -> list[str]:
    """Grams every document holding `probe` holds: enough of its bigrams to cover each
    character (every other one, and the last), and its anchors if it starts or ends a field.
    The fewer (and rarer), the cheaper to look up."""
    last = len(probe) - 2
    starts = [*range(0, last + 1, 2), *([last] if last % 2 else [])]
    found = {probe[i : i + 2] for i in starts}
    if len(probe) >= 3 and probe.startswith(BREAK):
        found.add(probe[:3])
    if len(probe) >= 3 and probe.endswith(BREAK):
        found.add(probe[-3:])
    return sorted(found)


class Tier(IntEnum):
    """How well a record matches, best first."""

    EXACT = 0  # a whole field equals the query
    PREFIX = 1  # a field starts with it
    SUBSTRING = 2  # a field contains it


def form(query: str) -> str:
    """What a query is looked up as: its compact form, or the normalised one if that is
    all separators (`--`)."""
    bare = compact(query)
    return bare if len(bare) >= MIN_SEARCH_QUERY else normalise(query)


def probes(query: str) -> dict[Tier, str]:
    """For each tier, the text whose presence in a document makes it a match of that tier."""
    looked_up = form(query)
    return {
        Tier.EXACT: BREAK + looked_up + BREAK,
        Tier.PREFIX: BREAK + looked_up,
        Tier.SUBSTRING: looked_up,
    }


def tier(text: str, query: str) -> Tier | None:
    """The best tier at which a document's text matches the query, or None."""
    for level, probe in probes(query).items():
        if probe in text:
            return level
    return None


def query_problem(query: str) -> str | None:
    """Why `query` cannot be searched (None if it can)."""
    if len(query) > MAX_SEARCH_QUERY:
        return f"must be at most {MAX_SEARCH_QUERY} characters"
    problem = character_problem(query)
    if problem is not None:
        return problem
    if len(normalise(query)) < MIN_SEARCH_QUERY:
        return (
            f"must hold at least {MIN_SEARCH_QUERY} characters besides spaces "
            "(one character matches too much to be useful)"
        )
    return None

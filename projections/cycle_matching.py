"""Which title of one cycle's list is which title of the next: the matching rule.

A title of the earlier list and one of the later list are the same entry when they are the
same enterprise's same declared standard (the declaration: its credit code and standard
number, which a revision keeps); failing that, the same enterprise's same product model
(compared without case, spaces or separators: `BCD-201` is `bcd 201`), for a product
declared again under a new standard number. Each title matches at most one other, the
standard first, then the model, in list order. What is left unmatched on the earlier side
left the list; on the later side, it entered it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.search_text import compact

STANDARD, PRODUCT = "standard", "product"


@dataclass(frozen=True)
class Entry:
    """A title as the matching sees it."""

    key: str  # its candidacy id
    credit_code: str
    declaration_id: str
    model: str


@dataclass
class Matching:
    """Pairs (earlier key, later key, matched by), and the keys left unmatched on each side."""

    stayed: list[tuple[str, str, str]] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)


def _product(entry: Entry) -> tuple[str, str] | None:
    model = compact(entry.model)
    return (entry.credit_code, model) if model else None


def match(earlier: Sequence[Entry], later: Sequence[Entry]) -> Matching:
    """Match the titles of two cycles' lists (each in list order) by the rule above."""
    unmatched = {entry.key: entry for entry in later}
    by_standard = {entry.declaration_id: entry.key for entry in later}
    result = Matching()
    pending = []
    for entry in earlier:
        found = by_standard.get(entry.declaration_id)
        if found is not None and found in unmatched:
            del unmatched[found]
            result.stayed.append((entry.key, found, STANDARD))
        else:
            pending.append(entry)
    for entry in pending:
        product, found = _product(entry), None
        if product is not None:
            found = next((k for k, e in unmatched.items() if _product(e) == product), None)
        if found is None:
            result.left.append(entry.key)
        else:
            del unmatched[found]
            result.stayed.append((entry.key, found, PRODUCT))
    result.entered = list(unmatched)
    return result

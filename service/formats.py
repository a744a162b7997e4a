"""The formats a list answers in: JSON (a page), or a download as CSV or JSON Lines.

`format` in the query decides; without it, the `Accept` header does (its best-rated media
type among ours, JSON on a tie or when it names none of them). A download is the whole list,
streamed: see `service.downloads`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Query


class Format(StrEnum):
    json = "json"
    csv = "csv"
    jsonl = "jsonl"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.csv: "text/csv; charset=utf-8",
    Format.jsonl: "application/jsonl",
}
# What `Accept` may name for each format (JSON first: it wins ties).
ACCEPTED = {
    Format.json: ("application/json",),
    Format.csv: ("text/csv",),
    Format.jsonl: ("application/jsonl", "application/x-ndjson"),
}
DOWNLOADS = frozenset({Format.csv, Format.jsonl})

FormatParam = Annotated[
    Format | None,
    Query(
        alias="format",
        description="`json` (a page, the default), or a download of the whole list: `csv` "
        "(UTF-8 with a BOM) or `jsonl` (JSON Lines). Without it, `Accept: text/csv` or "
        "`application/jsonl` (`application/x-ndjson`) asks for a download. A download "
        "refuses `limit` and `offset` (422): it is always the whole list.",
    ),
]


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an `Accept` header with their weights (malformed weights: 0)."""
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        if media:
            ranges.append((media.lower(), weight))
    return ranges


def _weight(ranges: list[tuple[str, float]], names: tuple[str, ...]) -> float:
    """How much `Accept` wants one of `names`: the most specific matching range decides."""
    best: tuple[int, float] = (-1, 0.0)
    for media, weight in ranges:
        for name in names:
            kind = name.split("/")[0]
            rank = {name: 2, f"{kind}/*": 1, "*/*": 0}.get(media, -1)
            if rank > best[0]:
                best = (rank, weight)
    return best[1] if best[0] >= 0 else 0.0


def negotiated(accept: str | None) -> Format:
    """The format an `Accept` header asks for (JSON unless it prefers CSV or JSON Lines)."""
    if not accept:
        return Format.json
    ranges = _ranges(accept)
    chosen, best = Format.json, _weight(ranges, ACCEPTED[Format.json])
    for fmt in (Format.csv, Format.jsonl):
        weight = _weight(ranges, ACCEPTED[fmt])
        if weight > best:
            chosen, best = fmt, weight
    return chosen


def chosen(fmt: Format | None, accept: str | None) -> Format:
    """The format of an answer: `format` if given, else as `Accept` asks."""
    return fmt if fmt is not None else negotiated(accept)


def names_download(query_string: bytes, accept: bytes | None) -> bool:
    """Whether a request may ask for a download (for the response cache to let it by)."""
    if b"format" in query_string or b"%" in query_string:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        if any(name == "format" and value != Format.json for name, value in pairs):
            return True
    text = (accept or b"").decode("latin-1").lower()
    return any(name in text for fmt in DOWNLOADS for name in ACCEPTED[fmt])

"""Choosing a list's format: `format` first, then `Accept`."""

from __future__ import annotations

import pytest

from service.formats import Format, chosen, names_download, negotiated


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, Format.json),
        ("", Format.json),
        ("*/*", Format.json),
        ("application/json", Format.json),
        ("text/csv", Format.csv),
        ("TEXT/CSV; charset=utf-8", Format.csv),
        ("application/jsonl", Format.jsonl),
        ("application/x-ndjson", Format.jsonl),
        ("text/*", Format.csv),
        ("text/csv;q=0.5, application/json", Format.json),
        ("application/json;q=0.5, text/csv", Format.csv),
        ("text/csv, application/json", Format.json),  # a tie: JSON
        ("text/html,application/xhtml+xml,*/*;q=0.8", Format.json),
        ("text/csv;q=0", Format.json),
        ("text/csv;q=oops", Format.json),
        ("image/png", Format.json),
        (",,;", Format.json),
    ],
)
def test_accept_asks_for_a_format(accept: str | None, fmt: Format) -> None:
    assert negotiated(accept) is fmt


def test_format_wins_over_accept() -> None:
    assert chosen(Format.json, "text/csv") is Format.json
    assert chosen(Format.jsonl, "text/csv") is Format.jsonl
    assert chosen(None, "text/csv") is Format.csv


@pytest.mark.parametrize(
    ("query", "accept", "download"),
    [
        (b"", None, False),
        (b"format=json", None, False),
        (b"format=jsonl", None, True),
        (b"format=csv&limit=2", None, True),
        (b"%66ormat=csv", None, True),
        (b"format=xlsx", None, True),  # refused by the app, never cached
        (b"", b"text/csv", True),
        (b"", b"application/x-ndjson", True),
        (b"", b"application/json, */*", False),
    ],
)
def test_the_cache_lets_possible_downloads_by(
    query: bytes, accept: bytes | None, download: bool
) -> None:
    assert names_download(query, accept) is download

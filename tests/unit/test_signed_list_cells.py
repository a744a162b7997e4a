"""CSV cells of a signed list: what a spreadsheet would run is neutralised, numbers are not."""

from __future__ import annotations

import csv
import io

import pytest

from projections.audit.signed_lists import render
from projections.cells import neutralise

SCHEME = {
    "id": "s",
    "title": "t",
    "category": "C3851",
    "cycle": 1,
    "level": "national",
    "region": "",
}


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("-", "'-"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\ncmd", "'\ncmd"),
        ("-0.5", "-0.5"),  # a negative score stays a number
        ("-12", "-12"),
        ("0.166666667", "0.166666667"),
        ("-.5", "'-.5"),  # not a plain decimal as the registry writes them
        ("-1e3", "'-1e3"),
        ("Fridge =1", "Fridge =1"),
        (None, ""),
        (3, "3"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell: object, shown: str) -> None:
    assert neutralise(cell) == shown


def test_the_csv_reads_back_as_the_neutralised_cells() -> None:
    row: dict[str, object] = {
        "rank": 1,
        "score": "-0.5",
        "credit_code": "91120000MA0000001X",
        "enterprise": '=HYPERLINK("http://x","y")',
        "standard_number": "Q/TJ 1",
        "product": "Fridge",
        "model": "@SUM(A1)",
        "status": "awarded",
        "awarded_at": "2025-01-01T00:00:00+00:00",
        "valid_until": None,
        "candidacy_id": "c",
    }
    content = render(SCHEME, "leaders", [row], "csv")
    assert content.endswith(b"\r\n")
    (read,) = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    assert read["enterprise"] == '\'=HYPERLINK("http://x","y")'
    assert read["model"] == "'@SUM(A1)" and read["score"] == "-0.5" and read["valid_until"] == ""

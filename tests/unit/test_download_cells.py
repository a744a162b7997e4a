"""CSV cells of downloads: nothing a spreadsheet would run, everything else as it was."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from projections.cells import FORMULA_STARTS, PLAIN_DECIMAL, neutralise
from service.downloads import flatten, text


def runs(cell: str) -> bool:
    """Whether a spreadsheet would take the cell as a formula (or a line that hides one)."""
    return cell.startswith(FORMULA_STARTS) and not PLAIN_DECIMAL.fullmatch(cell)


@given(st.text())
def test_no_cell_starts_a_formula_and_only_a_quote_is_added(value: str) -> None:
    cell = neutralise(value)
    assert not runs(cell)
    assert cell == value or cell == "'" + value
    assert (cell != value) == runs(value)


@given(st.text(alphabet="=+-@\t\r\n0123456789.eE()A!|,\"' 天津", min_size=1))
def test_cells_made_of_formula_characters_are_neutralised(value: str) -> None:
    cell = neutralise(value)
    assert not cell.startswith(FORMULA_STARTS) or PLAIN_DECIMAL.fullmatch(cell)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3))
def test_negative_numbers_stay_numbers(value: object) -> None:
    assert neutralise(str(value)) == str(value)


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_a_row_reads_back_as_its_neutralised_cells(values: list[str]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([text(v) for v in values])
    (row,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert row == [neutralise(v) for v in values]


def test_cells_of_other_types() -> None:
    assert text(None) == ""
    assert text(True) == "true" and text(False) == "false"
    assert text(-3) == "-3" and text(2) == "2"
    assert text({"eei": {"score": "-1"}}) == '{"eei":{"score":"-1"}}'
    assert text(["=1"]) == '["=1"]'
    assert text('=HYPERLINK("http://x","天津")') == '\'=HYPERLINK("http://x","天津")'


def test_nested_objects_flatten_with_dots_unless_kept_as_json() -> None:
    item = {"id": "c", "enterprise": {"name": "天津", "region": "120000"}, "breakdown": {"a": 1}}
    assert flatten(item, frozenset({"breakdown"})) == {
        "id": "c",
        "enterprise.name": "天津",
        "enterprise.region": "120000",
        "breakdown": {"a": 1},
    }
    assert "breakdown.a" in flatten(item, frozenset())

"""The scheme page's parameters, its rows (places, ties across pages, the cut-off) and its
chart's layout, without a store."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from service.pages.filters import PAGE_SIZE, BadFilter
from service.pages.scheme_chart import BAR_SPAN, indicator_chart, score_chart
from service.pages.scheme_view import SchemeQuery, rows


def entry(n: int, rank: int, score: str = "0.5", qualified: bool = True) -> dict[str, Any]:
    return {"candidacy_id": f"c{n}", "rank": rank, "score": score, "qualified": qualified}


def test_the_parameters_are_checked_and_given_back_short() -> None:
    asked = SchemeQuery.parse("not_ranked", "3", None, "2025-03-15")
    assert (asked.section, asked.page, asked.offset, asked.as_of) == (
        "not_ranked",
        3,
        2 * PAGE_SIZE,
        date(2025, 3, 15),
    )
    assert asked.href("s") == "/schemes/s?section=not_ranked&page=3&as_of=2025-03-15"
    assert asked.href("s", section="ranked", page=1, as_of=None) == "/schemes/s"
    assert SchemeQuery.parse(None, None, None, None) == SchemeQuery()
    for section, page, as_of, field in [
        ("all", None, None, "section"),
        (None, "0", None, "page"),
        (None, None, "15/03/2025", "as_of"),
    ]:
        with pytest.raises(BadFilter) as refused:
            SchemeQuery.parse(section, page, None, as_of)
        assert refused.value.field == field


def test_a_tie_is_marked_on_both_sides_of_a_page_break_and_the_cut_off_found() -> None:
    # Page 1 ends with place 20 (rank 20); the one read past it has rank 20 too.
    first = [entry(n, n + 1) for n in range(PAGE_SIZE)] + [entry(PAGE_SIZE, PAGE_SIZE)]
    shown = rows(first, 0, qualified=21)
    assert len(shown) == PAGE_SIZE and shown[-1]["tied"] and not shown[-2]["tied"]
    assert not any(e["cut_below"] for e in shown)
    second = [entry(20, 20), entry(21, 22, qualified=False)]
    shown = rows(second, PAGE_SIZE, qualified=21)
    assert [e["place"] for e in shown] == [21, 22]
    assert shown[0]["tied"] and shown[0]["cut_below"] and not shown[1]["tied"]


def test_the_scores_scale_to_the_best_on_the_page_and_the_cut_off_falls_between() -> None:
    shown = rows([entry(0, 1, "0.4"), entry(1, 2, "0.2", qualified=False)], 0, qualified=1)
    chart = score_chart(shown, cut_above=False)
    assert [b.length for b in chart.bars] == [BAR_SPAN, BAR_SPAN / 2]
    assert chart.cutoff_y is not None and chart.bars[0].y < chart.cutoff_y < chart.bars[1].y
    worse = rows([entry(0, 1, "-0.1", qualified=False)], 5, qualified=5)
    assert score_chart(worse, cut_above=True).bars[0].length == 0  # no bar below zero
    assert score_chart(worse, cut_above=True).cutoff_y is not None  # the line above it


def test_an_entrys_indicators_are_drawn_against_their_baselines() -> None:
    indicators = [{"code": "eei", "name": "Energy", "unit": "%", "direction": "lower_is_better"}]
    chosen = {"breakdown": [{"code": "eei", "value": "30", "baseline": "60"}]}
    (group,) = indicator_chart(chosen, indicators).groups
    assert (group.name, group.unit, group.value_length, group.baseline_length) == (
        "Energy",
        "%",
        BAR_SPAN / 2,
        BAR_SPAN,
    )

"""The scheme page's chart, laid out on the server: the page's scores as bars with the
cut-off, and one entry's indicator values against their baselines (the template draws it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

# The drawing's width: drawn at this size (1 unit = 1 CSS pixel) and shrunk to fit a
# narrower screen, so its 13-unit text stays readable on a phone held in a shop.
WIDTH = 440
BAR_SPAN = 300  # the longest bar, leaving room for its number written after it
ROW = 40  # a score's row: its label above its bar
BAR = 16
GROUP = 64  # an indicator's rows: its label, its value's bar, its baseline's bar
TOP = 36  # room for the legend


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _length(value: Decimal, largest: Decimal) -> float:
    """A bar's length for `value` on a scale whose longest bar is `largest` (none below 0)."""
    if largest <= 0 or value <= 0:
        return 0.0
    return round(float(value / largest) * BAR_SPAN, 1)


@dataclass(frozen=True)
class ScoreBar:
    """One entry's score: its label's line, its bar, and whether it made the cut."""

    y: int
    length: float
    entry: dict[str, Any]


@dataclass(frozen=True)
class ScoreChart:
    width: ClassVar[int] = WIDTH
    bars: list[ScoreBar]
    cutoff_y: int | None  # the cut-off line, when it falls on this page
    height: int


def score_chart(entries: list[dict[str, Any]], cut_above: bool) -> ScoreChart:
    """The entries' scores as bars, longest for the best score on the page; the cut-off
    line below the last qualified entry (or above the first if the cut fell just before)."""
    largest = max((_number(e["score"]) for e in entries), default=Decimal(0))
    bars = [
        ScoreBar(TOP + i * ROW, _length(_number(e["score"]), largest), e)
        for i, e in enumerate(entries)
    ]
    cutoff_y = TOP - 4 if cut_above and entries else None
    for bar in bars:
        if bar.entry["cut_below"]:
            cutoff_y = bar.y + ROW - 4
    return ScoreChart(bars, cutoff_y, TOP + len(bars) * ROW + 8)


@dataclass(frozen=True)
class IndicatorBars:
    """One indicator of the chosen entry: its value's and its baseline's bars."""

    y: int
    code: str
    name: str
    unit: str
    direction: str
    value: str
    baseline: str
    value_length: float
    baseline_length: float


@dataclass(frozen=True)
class IndicatorChart:
    width: ClassVar[int] = WIDTH
    entry: dict[str, Any]
    groups: list[IndicatorBars]
    height: int


def indicator_chart(entry: dict[str, Any], indicators: list[dict[str, Any]]) -> IndicatorChart:
    """The entry's value of each indicator beside the baseline, each on its own scale (the
    larger of the two is the longest bar), named and in the scheme's order."""
    known = {i["code"]: i for i in indicators}
    groups = []
    for n, part in enumerate(entry["breakdown"]):
        indicator = known.get(part["code"], {})
        value, baseline = _number(part["value"]), _number(part["baseline"])
        largest = max(abs(value), abs(baseline))
        groups.append(
            IndicatorBars(
                y=TOP + n * GROUP,
                code=part["code"],
                name=indicator.get("name", part["code"]),
                unit=indicator.get("unit", ""),
                direction=indicator.get("direction", ""),
                value=str(part["value"]),
                baseline=str(part["baseline"]),
                value_length=_length(abs(value), largest),
                baseline_length=_length(abs(baseline), largest),
            )
        )
    return IndicatorChart(entry, groups, TOP + len(groups) * GROUP + 8)

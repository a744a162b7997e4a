"""Ranking rules checked against hand-worked examples."""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

import pytest

from domain.ranking import Entry, IndicatorScore, Placement, Rejection, rank_entries
from domain.values import Indicator

D = Decimal


def ind(code: str, kind: str, direction: str, baseline: str, weight: str = "1") -> Indicator:
    return Indicator(
        code=code,
        name=code,
        unit="",
        kind=kind,
        direction=direction,
        baseline=D(baseline),
        weight=D(weight),
    )


def entry(key: str, **values: str) -> Entry:
    return Entry(key=key, values={code: D(v) for code, v in values.items()})


HIGHER = "higher_is_better"
LOWER = "lower_is_better"

# A: core, higher is better, baseline 100, weight 2; B: core, lower is better, baseline 50,
# weight 1. Score = (2*impA + 1*impB) / 3.
SCHEME = [ind("A", "core", HIGHER, "100", "2"), ind("B", "core", LOWER, "50", "1")]


def keys_ranks(placements: tuple[Placement, ...]) -> list[tuple[str, int]]:
    return [(p.key, p.rank) for p in placements]


def test_hand_worked_two_core_indicators() -> None:
    # x: A=120 -> (120-100)/100 = 1/5; B=40 -> (50-40)/50 = 1/5; (2/5 + 1/5)/3 = 1/5
    # y: A=150 -> 50/100 = 1/2; B=50 -> 0; (1 + 0)/3 = 1/3
    # z: A=100 -> 0; B=25 -> 25/50 = 1/2; (0 + 1/2)/3 = 1/6
    result = rank_entries(
        SCHEME,
        [entry("x", A="120", B="40"), entry("y", A="150", B="50"), entry("z", A="100", B="25")],
        quota=2,
    )
    assert result.rejections == ()
    assert keys_ranks(result.placements) == [("y", 1), ("x", 2), ("z", 3)]
    assert [p.score for p in result.placements] == [
        D("0.333333333"),
        D("0.200000000"),
        D("0.166666667"),
    ]
    assert [p.qualified for p in result.placements] == [True, True, False]
    y = result.placements[0]
    assert y.breakdown == (
        IndicatorScore(
            code="A", value=D("150"), baseline=D("100"), weight=D("2"), improvement=D("0.500000000")
        ),
        IndicatorScore(
            code="B", value=D("50"), baseline=D("50"), weight=D("1"), improvement=D("0E-9")
        ),
    )


def test_breakdown_follows_scheme_core_order() -> None:
    scheme = [
        ind("Z", "core", HIGHER, "1"),
        ind("N", "innovation", HIGHER, "0"),
        ind("S", "basic", HIGHER, "1"),
        ind("A", "core", HIGHER, "1"),
    ]
    result = rank_entries(scheme, [entry("e", Z="2", A="3", S="1")], quota=1)
    assert [s.code for s in result.placements[0].breakdown] == ["Z", "A"]
    # Z: (2-1)/1 = 1; A: (3-1)/1 = 2; mean (1 + 2)/2 = 3/2
    assert result.placements[0].score == D("1.5")


def test_lower_is_better_rewards_smaller_values() -> None:
    scheme = [ind("E", "core", LOWER, "8")]
    # a: (8-6)/8 = 1/4; b: (8-2)/8 = 3/4
    result = rank_entries(scheme, [entry("a", E="6"), entry("b", E="2")], quota=1)
    assert keys_ranks(result.placements) == [("b", 1), ("a", 2)]
    assert [p.score for p in result.placements] == [D("0.75"), D("0.25")]


def test_negative_baseline_uses_absolute_value() -> None:
    scheme = [ind("T", "core", LOWER, "-20")]
    # storage temperature, lower is better: (-20 - -30)/|-20| = 10/20 = 1/2
    result = rank_entries(scheme, [entry("a", T="-30")], quota=1)
    assert result.placements[0].score == D("0.5")


def test_baseline_zero_uses_absolute_difference() -> None:
    scheme = [ind("H", "core", HIGHER, "0"), ind("L", "core", LOWER, "0")]
    # H: 3 - 0 = 3; L: 0 - (-2) = 2; mean (3 + 2)/2 = 5/2
    result = rank_entries(scheme, [entry("a", H="3", L="-2")], quota=1)
    assert result.placements[0].score == D("2.5")
    assert [s.improvement for s in result.placements[0].breakdown] == [D("3"), D("2")]


def test_core_worse_than_baseline_is_rejected() -> None:
    result = rank_entries(
        SCHEME, [entry("ok", A="100", B="50"), entry("bad", A="99", B="50")], quota=1
    )
    assert keys_ranks(result.placements) == [("ok", 1)]
    assert result.rejections == (
        Rejection(
            key="bad",
            reason="indicator 'A' value 99 is worse than baseline 100 (higher_is_better)",
        ),
    )


def test_lower_is_better_worse_than_baseline_is_rejected() -> None:
    result = rank_entries(SCHEME, [entry("bad", A="120", B="50.5")], quota=1)
    assert result.placements == ()
    assert result.rejections[0].reason == (
        "indicator 'B' value 50.5 is worse than baseline 50 (lower_is_better)"
    )


def test_basic_worse_than_baseline_is_rejected_but_may_be_absent() -> None:
    scheme = [*SCHEME, ind("S", "basic", HIGHER, "10", "5")]
    result = rank_entries(
        scheme,
        [
            entry("absent", A="120", B="40"),
            entry("fine", A="120", B="40", S="1000"),
            entry("worse", A="120", B="40", S="9"),
        ],
        quota=5,
    )
    # basic values are never scored: both ranked entries score 1/5 and tie
    assert keys_ranks(result.placements) == [("absent", 1), ("fine", 1)]
    assert {p.score for p in result.placements} == {D("0.2")}
    assert result.rejections == (
        Rejection(
            key="worse",
            reason="indicator 'S' value 9 is worse than baseline 10 (higher_is_better)",
        ),
    )


def test_innovation_indicators_are_ignored() -> None:
    scheme = [*SCHEME, ind("N", "innovation", HIGHER, "100", "50")]
    result = rank_entries(
        scheme,
        [
            entry("none", A="150", B="50"),
            entry("worse", A="150", B="50", N="1"),
            entry("huge", A="150", B="50", N="1000000"),
        ],
        quota=1,
    )
    assert result.rejections == ()
    assert keys_ranks(result.placements) == [("huge", 1), ("none", 1), ("worse", 1)]
    assert all(p.qualified for p in result.placements)
    assert all([s.code for s in p.breakdown] == ["A", "B"] for p in result.placements)


def test_missing_core_indicator_is_rejected() -> None:
    result = rank_entries(SCHEME, [entry("m", A="120")], quota=1)
    assert result.placements == ()
    assert result.rejections == (Rejection(key="m", reason="missing core indicator 'B'"),)


def test_all_problems_are_reported_in_scheme_order() -> None:
    result = rank_entries(SCHEME, [entry("m", B="60")], quota=1)
    assert result.rejections[0].reason == (
        "missing core indicator 'A'; "
        "indicator 'B' value 60 is worse than baseline 50 (lower_is_better)"
    )


def test_non_finite_value_is_rejected() -> None:
    result = rank_entries(SCHEME, [entry("n", A="NaN", B="40")], quota=1)
    assert result.rejections[0].reason == "indicator 'A' value NaN is not a finite number"


SINGLE = [ind("A", "core", HIGHER, "100")]
# a: 40/100, b and c: 20/100, d: 10/100 -> competition ranks 1, 2, 2, 4
FOUR = [entry("d", A="110"), entry("c", A="120"), entry("a", A="140"), entry("b", A="120")]


def test_ties_share_rank_competition_ranking() -> None:
    result = rank_entries(SINGLE, FOUR, quota=4)
    assert keys_ranks(result.placements) == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_tie_at_cut_off_all_qualify() -> None:
    three = rank_entries(SINGLE, FOUR, quota=3)
    assert [p.key for p in three.placements if p.qualified] == ["a", "b", "c"]
    two = rank_entries(SINGLE, FOUR[1:], quota=2)  # ranks 1, 2, 2
    assert keys_ranks(two.placements) == [("a", 1), ("b", 2), ("c", 2)]
    assert all(p.qualified for p in two.placements)
    one = rank_entries(SINGLE, FOUR, quota=1)
    assert [p.key for p in one.placements if p.qualified] == ["a"]


def test_equal_fractions_tie_exactly() -> None:
    # weights 0.1 and 0.2, both higher is better with baseline 10; score = (0.1a + 0.2b)/0.3
    scheme = [ind("A", "core", HIGHER, "10", "0.1"), ind("B", "core", HIGHER, "10", "0.2")]
    # p: a = b = 3/10 -> (0.03 + 0.06)/0.3 = 3/10
    # q: a = 9/10, b = 0 -> 0.09/0.3 = 3/10
    # r: a = 0, b = 45/100 -> 0.09/0.3 = 3/10
    result = rank_entries(
        scheme,
        [entry("p", A="13", B="13"), entry("q", A="19", B="10"), entry("r", A="10", B="14.5")],
        quota=1,
    )
    assert keys_ranks(result.placements) == [("p", 1), ("q", 1), ("r", 1)]


def test_one_third_equals_two_sixths() -> None:
    # A and B: core, higher is better, weights 1 and 1, baselines 3 and 6
    scheme = [ind("A", "core", HIGHER, "3"), ind("B", "core", HIGHER, "6")]
    # one: A=5 -> 2/3, B=6 -> 0; (2/3 + 0)/2 = 1/3
    # two: A=4 -> 1/3, B=8 -> 2/6; (1/3 + 2/6)/2 = 2/6
    result = rank_entries(scheme, [entry("one", A="5", B="6"), entry("two", A="4", B="8")], 1)
    assert keys_ranks(result.placements) == [("one", 1), ("two", 1)]


def test_order_uses_exact_score_not_display_rounding() -> None:
    # 1/3 vs (1 + 3e-12)/3: both display as 0.333333333 but are not equal
    scheme = [ind("A", "core", HIGHER, "3")]
    result = rank_entries(scheme, [entry("exact", A="4"), entry("tiny", A="4.000000000003")], 1)
    assert keys_ranks(result.placements) == [("tiny", 1), ("exact", 2)]
    assert result.placements[0].score == result.placements[1].score == D("0.333333333")
    assert [p.qualified for p in result.placements] == [True, False]


def test_display_rounds_half_to_even() -> None:
    scheme = [ind("A", "core", HIGHER, "1")]
    # improvements 0.0000000005 -> 0E-9 (even) and 0.0000000015 -> 0.000000002
    result = rank_entries(scheme, [entry("a", A="1.0000000005"), entry("b", A="1.0000000015")], 2)
    assert [p.score for p in result.placements] == [D("0.000000002"), D("0")]


def test_result_is_independent_of_input_order() -> None:
    scheme = [*SCHEME, ind("S", "basic", HIGHER, "10")]
    entries = [
        entry("x", A="120", B="40"),
        entry("y", A="150", B="50"),
        entry("w", A="125", B="25"),  # (2*(25/100) + 25/50)/3 = 1/3, ties with y
        entry("z", A="100", B="25"),
        entry("r", A="120", B="40", S="1"),
        entry("m", A="120"),
    ]
    expected = rank_entries(scheme, entries, quota=2)
    assert keys_ranks(expected.placements) == [("w", 1), ("y", 1), ("x", 3), ("z", 4)]
    assert [r.key for r in expected.rejections] == ["m", "r"]
    for perm in permutations(entries):
        assert rank_entries(scheme, list(perm), quota=2) == expected


def test_no_entries_gives_empty_result() -> None:
    result = rank_entries(SCHEME, [], quota=1)
    assert result.placements == () and result.rejections == ()


@pytest.mark.parametrize("top_n", [0, -1])
def test_top_n_must_be_positive(top_n: int) -> None:
    with pytest.raises(ValueError, match="top_n"):
        rank_entries(SCHEME, [], quota=top_n)


def test_duplicate_entry_keys_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank_entries(SCHEME, [entry("x", A="120", B="40"), entry("x", A="130", B="40")], 1)


def test_no_core_indicators_raise() -> None:
    scheme = [ind("S", "basic", HIGHER, "1"), ind("N", "innovation", HIGHER, "1")]
    with pytest.raises(ValueError, match="no core"):
        rank_entries(scheme, [], 1)


@pytest.mark.parametrize("weight", ["0", "-1", "NaN"])
def test_core_weight_must_be_positive(weight: str) -> None:
    with pytest.raises(ValueError, match="weight"):
        rank_entries([ind("A", "core", HIGHER, "1", weight)], [], 1)


def test_duplicate_indicator_codes_and_unknown_kinds_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        rank_entries([ind("A", "core", HIGHER, "1"), ind("A", "basic", HIGHER, "1")], [], 1)
    with pytest.raises(ValueError, match="kind"):
        rank_entries([ind("A", "core", HIGHER, "1"), ind("B", "extra", HIGHER, "1")], [], 1)
    with pytest.raises(ValueError, match="direction"):
        rank_entries([ind("A", "core", "sideways", "1")], [], 1)

"""The matching of two cycles' titles: the same standard first, then the same product model
of the same enterprise (without case or separators); each title matched at most once."""

from __future__ import annotations

from projections.cycle_matching import PRODUCT, STANDARD, Entry, match


def entry(key: str, code: str, declaration: str, model: str) -> Entry:
    return Entry(key, code, declaration, model)


def test_the_same_standard_stays_and_the_rest_enter_or_leave() -> None:
    earlier = [entry("a1", "A", "dA1", "X-1"), entry("b1", "B", "dB1", "Y-1")]
    later = [entry("c2", "C", "dC1", "Z-1"), entry("a2", "A", "dA1", "X-1")]
    found = match(earlier, later)
    assert found.stayed == [("a1", "a2", STANDARD)]
    assert (found.left, found.entered) == (["b1"], ["c2"])


def test_a_product_declared_again_under_a_new_standard_stays_by_its_model() -> None:
    earlier = [entry("a1", "A", "dA1", "BCD-201")]
    later = [entry("a2", "A", "dA2", "bcd 201"), entry("b2", "B", "dB2", "BCD-201")]
    found = match(earlier, later)
    assert found.stayed == [("a1", "a2", PRODUCT)]
    assert found.entered == ["b2"]  # another enterprise's model of the same name


def test_the_standard_wins_over_the_model_and_each_title_matches_once() -> None:
    earlier = [entry("m1", "A", "dA9", "K-1"), entry("s1", "A", "dA1", "K-1")]
    later = [entry("s2", "A", "dA1", "K-1")]
    found = match(earlier, later)
    assert found.stayed == [("s1", "s2", STANDARD)]
    assert found.left == ["m1"]


def test_an_empty_model_matches_nothing() -> None:
    found = match([entry("a1", "A", "d1", " - ")], [entry("a2", "A", "d2", "")])
    assert (found.stayed, found.left, found.entered) == ([], ["a1"], ["a2"])

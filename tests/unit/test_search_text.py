"""The search normalisation: one function for stored text and queries, and its tiers."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from domain.limits import MAX_SEARCH_QUERY
from domain.search_text import (
    BREAK,
    Tier,
    bigrams,
    compact,
    document,
    form,
    grams,
    normalise,
    probe_grams,
    probes,
    query_problem,
    tier,
)

MODELS = [
    "KFR-35GW",
    "kfr35gw",
    "KFR 35GW",
    "ＫＦＲ－３５ＧＷ",
    "kfr–35gw",
    "KFR/35.GW",
    " kfr - 35 gw ",
]


@pytest.mark.parametrize("spelling", MODELS)
def test_a_model_is_one_compact_form_however_it_is_spelled(spelling: str) -> None:
    assert compact(spelling) == "kfr35gw"


def test_full_width_case_and_spaces_fold() -> None:
    assert normalise("  ＡＢＣ　１２３\tHaier  ") == "abc 123 haier"
    assert normalise("天津甲空调有限公司") == "天津甲空调有限公司"
    assert normalise("（天津）") == "(天津)"
    assert normalise("ﾊｲｱｰﾙ") == "ハイアール"  # half-width katakana
    assert normalise("STRASSE") == normalise("straße")


def test_wildcards_are_kept_as_characters() -> None:
    assert normalise("50%_a\\b") == "50%_a\\b"
    assert compact("a_b%c\\d") == "a_b%c\\d"


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert compact(compact(text)) == compact(text)


@given(st.text())
def test_a_normal_form_holds_no_line_break_and_no_surrounding_space(text: str) -> None:
    once = normalise(text)
    assert BREAK not in once and once == once.strip()
    assert " " not in compact(text)


@given(st.text(min_size=1), st.text(), st.text())
@example(inner="·´ 0", before="A", after="")  # a spacing accent: a combining mark after NFKC
def test_a_fields_substring_matches_its_document(inner: str, before: str, after: str) -> None:
    # A substring that starts inside a character (a combining mark, which composes with
    # whatever precedes it once separators are removed) is no text anyone searches for.
    assume(not unicodedata.combining(form(inner)[:1] or "a"))
    field = before + inner + after
    text = document([field])
    query = normalise(inner)
    if len(query) >= 2 and normalise(field) == normalise(before) + query + normalise(after):
        assert tier(text, inner) is not None
        assert set(bigrams(query)) <= set(bigrams(text))


def test_tiers_rank_exact_then_prefix_then_substring() -> None:
    text = document(["海尔智家股份有限公司", "BCD-470WGHTD"])
    assert tier(text, "海尔智家股份有限公司") is Tier.EXACT
    assert tier(text, "bcd470wghtd") is Tier.EXACT  # the compact form is a field too
    assert tier(text, "海尔") is Tier.PREFIX
    assert tier(text, "智家") is Tier.SUBSTRING
    assert tier(text, "470-WG") is Tier.SUBSTRING
    assert tier(text, "海尔电器") is None
    assert tier(text, "公司bcd") is None  # never across two fields


def test_a_document_separates_fields_and_adds_compact_forms() -> None:
    assert document(["Haier", "KFR-35GW"]) == "\nhaier\nkfr-35gw\nkfr35gw\n"
    assert document(["Room Air  Conditioner"]) == "\nroom air conditioner\nroomairconditioner\n"
    assert document(["", "  "]) == ""


def test_a_query_is_looked_up_in_its_compact_form_unless_that_is_too_short() -> None:
    assert probes("海尔")[Tier.SUBSTRING] == "海尔"
    assert probes("KFR-35")[Tier.PREFIX] == "\nkfr35"
    assert probes("a-")[Tier.EXACT] == "\na-\n"
    assert probes("--")[Tier.SUBSTRING] == "--"


@given(st.text(), st.text(min_size=2))
def test_whatever_holds_the_normal_form_holds_the_compact_one(text: str, query: str) -> None:
    if len(compact(query)) >= 2 and normalise(query) in normalise(text):
        assert compact(query) in compact(text)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "海", " 海 ", "a\x00b", "海\u202e尔", "x" * (MAX_SEARCH_QUERY + 1), "x" * 1000],
)
def test_queries_that_cannot_be_searched(query: str) -> None:
    assert query_problem(query) is not None


@pytest.mark.parametrize("query", ["海尔", "%%", "__", "\\\\", "KFR-35GW", "x" * MAX_SEARCH_QUERY])
def test_queries_that_can(query: str) -> None:
    assert query_problem(query) is None


@given(st.lists(st.text()), st.text(min_size=2), st.sampled_from(list(Tier)))
def test_a_document_holding_a_probe_holds_its_grams(
    fields: list[str], query: str, level: Tier
) -> None:
    assume(query_problem(query) is None)
    text = document([*fields, query])  # the query is a whole field: every tier matches
    probe = probes(query)[level]
    assert probe in text
    assert set(probe_grams(probe)) <= set(grams(text))


def test_probe_grams_cover_the_probe_and_anchor_it() -> None:
    assert probe_grams("kfr123a") == ["23", "3a", "kf", "r1"]
    assert probe_grams("\nbcd") == ["\nb", "\nbc", "cd"]
    assert probe_grams("\nbcd\n") == ["\nb", "\nbc", "cd", "cd\n", "d\n"]
    assert "\nbc" in grams(document(["BCD-510WP"])) and "wp\n" in grams(document(["BCD-510WP"]))

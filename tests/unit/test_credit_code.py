"""Unified social credit code checks against hand-computed GB 32100-2015 examples."""

from __future__ import annotations

import pytest

from domain.credit_code import ALPHABET, check_character, credit_code_problem, make_credit_code

# Real published codes, each verified by hand. Alphabet values: digits are themselves,
# A=10 B=11 C=12 D=13 E=14 F=15 G=16 H=17 J=18 K=19 L=20 M=21 N=22 P=23 Q=24 R=25 T=26
# U=27 W=28 X=29 Y=30. Weights: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
HAND_VERIFIED = [
    # 91110000802100433B: 9*1 + 1*3 + 1*9 + 1*27 + 8*20 + 2*25 + 1*13 + 4*10 + 3*30 + 3*28
    #   = 9 + 3 + 9 + 27 + 160 + 50 + 13 + 40 + 90 + 84 = 485 = 15*31 + 20; 31 - 20 = 11 -> B
    ("91110000802100433B", 9 + 3 + 9 + 27 + 160 + 50 + 13 + 40 + 90 + 84),
    # 91350100M000100Y43: 9*1 + 1*3 + 3*9 + 5*27 + 1*26 + M(21)*20 + 1*8 + Y(30)*30 + 4*28
    #   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640 = 52*31 + 28; 31 - 28 = 3 -> 3
    ("91350100M000100Y43", 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112),
    # 914403001922038216: 9*1 + 1*3 + 4*9 + 4*27 + 3*26 + 1*20 + 9*29 + 2*25 + 2*13 + 3*24
    #   + 8*10 + 2*30 + 1*28 = 9 + 3 + 36 + 108 + 78 + 20 + 261 + 50 + 26 + 72 + 80 + 60 + 28
    #   = 831 = 26*31 + 25; 31 - 25 = 6 -> 6
    ("914403001922038216", 9 + 3 + 36 + 108 + 78 + 20 + 261 + 50 + 26 + 72 + 80 + 60 + 28),
]


@pytest.mark.parametrize(("code", "weighted_sum"), HAND_VERIFIED)
def test_hand_verified_real_codes_are_valid(code: str, weighted_sum: int) -> None:
    hand_check = ALPHABET[31 - weighted_sum % 31]
    assert hand_check == code[17]
    assert check_character(code[:17]) == code[17]
    assert credit_code_problem(code) is None


def test_hand_verified_sums_match_expected_checks() -> None:
    assert [s for _, s in HAND_VERIFIED] == [485, 1640, 831]
    assert [s % 31 for _, s in HAND_VERIFIED] == [20, 28, 25]


def test_alphabet_excludes_ambiguous_letters() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


def test_check_value_31_becomes_zero() -> None:
    # all zeros: sum 0, 31 - 0 = 31 -> 0
    assert check_character("0" * 17) == "0"
    assert credit_code_problem("0" * 18) is None


def test_check_value_30_is_last_alphabet_character() -> None:
    # "1" then zeros: sum 1*1 = 1, 31 - 1 = 30 -> Y
    assert check_character("1" + "0" * 16) == "Y"


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        check_character("0" * 16)
    with pytest.raises(ValueError):
        check_character("I" + "0" * 16)


@pytest.mark.parametrize("code", ["", "91110000802100433", "91110000802100433B0"])
def test_wrong_length(code: str) -> None:
    assert credit_code_problem(code) == "must be 18 characters"


def test_lowercase_is_rejected() -> None:
    assert credit_code_problem("91110000802100433b") == (
        "character 'b' at position 18 must be uppercase"
    )


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("9111I000802100433B", "character 'I' at position 5 is not allowed"),
        ("O1110000802100433B", "character 'O' at position 1 is not allowed"),
        ("91110000802100433S", "character 'S' at position 18 is not allowed"),
        ("91110000802100-33B", "character '-' at position 15 is not allowed"),
    ],
)
def test_disallowed_characters(code: str, problem: str) -> None:
    assert credit_code_problem(code) == problem


def test_region_must_be_digits() -> None:
    assert credit_code_problem("91A10000802100433B") == (
        "positions 3-8 must be a 6-digit region code"
    )


def test_wrong_check_character() -> None:
    assert credit_code_problem("91110000802100433C") == "check character should be 'B', not 'C'"


def test_transposed_digits_are_detected() -> None:
    # swapping positions 9 and 10 ("80" -> "08") changes the weighted sum
    assert credit_code_problem("91110000082100433B") is not None


def test_make_credit_code_hand_examples() -> None:
    # "91" + "110000": 9*1 + 1*3 + 1*9 + 1*27 = 48 = 31 + 17; 31 - 17 = 14 -> E
    assert make_credit_code("91", "110000", 0) == "91110000000000000E"
    # serial 1 puts 1 at position 17 (weight 28): 48 + 28 = 76 = 2*31 + 14; 31 - 14 = 17 -> H
    assert make_credit_code("91", "110000", 1) == "91110000000000001H"
    # serial 31 is "10" in base 31, 1 at position 16 (weight 30): 78 = 2*31 + 16 -> 15 -> F
    assert make_credit_code("91", "110000", 31) == "91110000000000010F"
    assert make_credit_code("91", "110000", 31**9 - 1)[8:17] == "YYYYYYYYY"


def test_make_credit_code_round_trips_and_is_distinct() -> None:
    codes = [make_credit_code("91", "120116", serial) for serial in range(3000)]
    assert all(credit_code_problem(code) is None for code in codes)
    assert len(set(codes)) == len(codes)
    assert all(code.startswith("91120116") for code in codes)
    assert make_credit_code("91", "120116", 42) == codes[42]


@pytest.mark.parametrize(
    ("body", "region", "serial"),
    [
        ("9", "110000", 0),
        ("9I", "110000", 0),
        ("91", "11000", 0),
        ("91", "11000A", 0),
        ("91", "110000", -1),
        ("91", "110000", 31**9),
    ],
)
def test_make_credit_code_rejects_bad_parts(body: str, region: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_credit_code(body, region, serial)

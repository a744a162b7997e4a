"""Unified social credit code (统一社会信用代码) check per GB 32100-2015."""

from __future__ import annotations

import operator
import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_MODULUS = len(ALPHABET)  # 31
_WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(LENGTH - 1))
_SERIAL_LENGTH = 9
_MAX_SERIAL = _MODULUS**_SERIAL_LENGTH - 1
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# The shape of a code (alphabet, and a region of ASCII digits at positions 3-8), so that the
# common case, a valid code, costs one match and one checksum (the importer checks millions).
_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    if len(first17) != LENGTH - 1:
        raise ValueError("check_character needs exactly 17 characters")
    total = 0
    for char, weight in zip(first17, _WEIGHTS, strict=True):
        value = ALPHABET.find(char)
        if value < 0:
            raise ValueError(f"character {char!r} is not allowed in a credit code")
        total += value * weight
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def credit_code_problem(code: str) -> str | None:
    """Return None if the code is valid, else a short human-readable problem."""
    if _SHAPE.fullmatch(code):
        total = sum(map(operator.mul, map(_VALUE.__getitem__, code[:17]), _WEIGHTS))
        expected = ALPHABET[-total % _MODULUS]
        if code[17] == expected:
            return None
    if len(code) != LENGTH:
        return "must be 18 characters"
    for position, char in enumerate(code, start=1):
        if char in ALPHABET:
            continue
        upper = char.upper()
        if len(upper) == 1 and upper in ALPHABET:
            return f"character {char!r} at position {position} must be uppercase"
        return f"character {char!r} at position {position} is not allowed"
    if not all(char in "0123456789" for char in code[2:8]):
        return "positions 3-8 must be a 6-digit region code"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"check character should be {expected!r}, not {code[17]!r}"
    return None


def make_credit_code(registration_body: str, region: str, serial: int) -> str:
    """Build a valid code from a 2-char body code, 6-digit region and a serial number."""
    if len(registration_body) != 2 or any(c not in ALPHABET for c in registration_body):
        raise ValueError("registration_body must be 2 characters of the code alphabet")
    if len(region) != 6 or any(c not in "0123456789" for c in region):
        raise ValueError("region must be 6 digits")
    if not 0 <= serial <= _MAX_SERIAL:
        raise ValueError(f"serial must be between 0 and {_MAX_SERIAL}")
    digits: list[str] = []
    remaining = serial
    for _ in range(_SERIAL_LENGTH):
        remaining, value = divmod(remaining, _MODULUS)
        digits.append(ALPHABET[value])
    first17 = registration_body + region + "".join(reversed(digits))
    return first17 + check_character(first17)

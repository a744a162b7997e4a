"""Constrained field types shared by the request models, and the write receipts."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from domain.credit_code import credit_code_problem

ALLOWED_CONTROLS = frozenset("\n\r\t")
# Positions and offsets are 64-bit signed integers in both stores.
MAX_POSITION = 2**63 - 1


# Control characters (Cc), and format characters (Cf): invisible bidi overrides such as
# U+202E and zero-width characters such as U+200B, which make text read other than it is.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf"})


def _refuse_invisible(value: str, allowed: frozenset[str], message: str) -> str:
    for ch in value:
        if unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in allowed:
            raise PydanticCustomError(
                "control_character", message + " (found U+{code})", {"code": f"{ord(ch):04X}"}
            )
    return value


def _no_controls(value: str) -> str:
    return _refuse_invisible(
        value, frozenset(), "must not contain control or invisible formatting characters"
    )


def _no_controls_but_lines(value: str) -> str:
    return _refuse_invisible(
        value,
        ALLOWED_CONTROLS,
        "must not contain control or invisible formatting characters other than line breaks",
    )


def _valid_credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise PydanticCustomError("credit_code", "credit code {problem}", {"problem": problem})
    return value


# A required single-line text (names, titles, standard numbers).
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_controls),
]
# An optional single-line text (labels, units, models).
Label = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_controls)]
# Free text: reasons, findings, descriptions (line breaks allowed).
Text = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_no_controls_but_lines)]
RequiredText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_no_controls_but_lines),
]
CreditCode = Annotated[
    str,
    AfterValidator(_valid_credit_code),
    Field(
        description="Unified social credit code (GB 32100-2015), with a valid check character.",
        json_schema_extra={"pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
    ),
]
# ASCII digits only: `\d` would also match fullwidth and other scripts' digits.
Region = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9.\-]{0,31}$")]
IndicatorCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")]
# A finite decimal: a JSON number or a numeric string; NaN and Infinity are refused.
Dec = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=40)]
IndicatorValues = Annotated[dict[IndicatorCode, Dec], Field(max_length=100)]


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Reason(Request):
    reason: RequiredText


class ReceiptOut(BaseModel):
    """A write's receipt: the record's id and the event-log position that recorded it."""

    id: str
    position: int


class CredentialReceiptOut(ReceiptOut):
    """The token is shown here once and never again."""

    token: str

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


def _no_controls(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise PydanticCustomError("control_character", "must not contain control characters")
    return value


def _no_controls_but_lines(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise PydanticCustomError(
            "control_character", "must not contain control characters other than line breaks"
        )
    return value


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
Region = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
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

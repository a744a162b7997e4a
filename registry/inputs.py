"""What the registry accepts as input: the constrained values, and the declaration request.

Both entrypoints that take declarations accept exactly these: the HTTP API
(`service.schemas` re-exports them, so the OpenAPI document names them) and the bulk
importer. Each field type parses and follows the one limit of `domain.limits`; the rules
themselves (a valid credit code and region, the commitment, the disclosure date...) are the
domain's, applied again when the domain objects are built (`to_domain`, `Declaration`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from domain import limits
from domain.credit_code import credit_code_problem
from domain.values import Enterprise, Product

# RFC 3339 (the document's `format: date-time`): a date, a time and an offset, nothing else;
# pydantic alone would also take numbers (`0.5`) as seconds since 1970.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _characters(lines: bool) -> AfterValidator:
    def check(value: str) -> str:
        problem = limits.character_problem(value, lines=lines)
        if problem:
            raise PydanticCustomError("control_character", problem)
        return value

    return AfterValidator(check)


def _valid_credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise PydanticCustomError("credit_code", "credit code {problem}", {"problem": problem})
    return value


def _spelled(pattern: re.Pattern[str], what: str) -> BeforeValidator:
    """Accept only text spelled as `pattern` (objects already parsed pass through)."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        if isinstance(value, date):  # a default, or a value built in Python
            return value
        raise PydanticCustomError("format", "must be {what}", {"what": what})

    return BeforeValidator(check)


def _decimal(value: Decimal) -> Decimal:
    problem = limits.decimal_problem(value)
    if problem:
        raise PydanticCustomError("decimal_digits", problem)
    return value


def _in_range(value: datetime) -> datetime:
    problem = limits.moment_problem(value)
    if problem:
        raise PydanticCustomError("moment_range", problem)
    return value


# A required single-line text (names, titles, standard numbers, subjects).
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_NAME),
    _characters(lines=False),
]
# An optional single-line text (labels, models).
Label = Annotated[str, StringConstraints(max_length=limits.MAX_LABEL), _characters(lines=False)]
# An indicator's unit, as a scheme declares it and an evaluation states it.
Unit = Annotated[str, StringConstraints(max_length=limits.MAX_UNIT), _characters(lines=False)]
# Free text: reasons, findings, descriptions (line breaks allowed).
Text = Annotated[str, StringConstraints(max_length=limits.MAX_TEXT), _characters(lines=True)]
RequiredText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT),
    _characters(lines=True),
]
CreditCode = Annotated[
    str,
    AfterValidator(_valid_credit_code),
    Field(
        description="Unified social credit code (GB 32100-2015), with a valid check character.",
        json_schema_extra={"pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"},
    ),
]
Region = Annotated[str, StringConstraints(pattern=limits.REGION_CODE)]
CategoryCode = Annotated[str, StringConstraints(pattern=limits.CATEGORY_CODE)]
IndicatorCode = Annotated[str, StringConstraints(pattern=limits.INDICATOR_CODE)]
# A finite decimal: a JSON number or a numeric string; NaN and Infinity are refused.
Dec = Annotated[
    Decimal,
    Field(
        allow_inf_nan=False,
        description=f"At most {limits.MAX_DIGITS} digits written out in full.",
    ),
    AfterValidator(_decimal),
]
IndicatorValues = Annotated[dict[IndicatorCode, Dec], Field(max_length=limits.MAX_INDICATORS)]
# A moment: an RFC 3339 date-time with its offset, inside the registry's range once in UTC.
Moment = Annotated[
    AwareDatetime,
    _spelled(_DATE_TIME, "an RFC 3339 date-time with an offset, e.g. 2026-01-01T08:00:00+08:00"),
    AfterValidator(_in_range),
    Field(
        description="An RFC 3339 date-time with its UTC offset, between "
        f"{limits.EARLIEST_MOMENT.isoformat()} and {limits.LATEST_MOMENT.isoformat()} in UTC."
    ),
]
# A calendar date, spelled YYYY-MM-DD.
Day = Annotated[date, _spelled(_DATE, "a date spelled YYYY-MM-DD")]


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class EnterpriseIn(Request):
    credit_code: CreditCode
    name: Name
    region: Region

    def to_domain(self) -> Enterprise:
        return Enterprise(credit_code=self.credit_code, name=self.name, region=self.region)


class ProductIn(Request):
    name: Name
    model: Label = ""
    category: CategoryCode

    def to_domain(self) -> Product:
        return Product(name=self.name, model=self.model, category=self.category)


class Content(Request):
    """What a declaration and each of its revisions state."""

    title: Name
    product: ProductIn
    indicators: IndicatorValues
    disclosed_on: Annotated[
        Day, Field(ge=limits.EARLIEST_DISCLOSURE, description="Not after today in China (UTC+8).")
    ]
    commitment: bool = Field(description="The enterprise commits that the data are true.")


class Declare(Content):
    """An enterprise standard, declared publicly with its core indicator values."""

    enterprise: EnterpriseIn
    standard_number: Name


class Revise(Content):
    """A new version of a declared standard."""

"""Domain input rules at their edges: codes in ASCII digits only, and "today" in China."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from domain.credit_code import credit_code_problem
from domain.declaration import Declaration, InvalidDeclaration
from domain.ranking import InvalidIndicators
from domain.scheme import InvalidScheme, Scheme
from domain.values import Actor, Enterprise, InvalidEnterprise, Product
from tests.unit.aggregates import BODY_ACTOR, T0, new_body, new_declaration, new_scheme
from tests.worlds import CATEGORY, INDICATORS, credit_code

FULLWIDTH, ARABIC_INDIC = "１２００００", "١٢٠٠٠٠"  # "120000" in other scripts' digits
CST = timezone(timedelta(hours=8))


# Region codes (rule 11) ------------------------------------------------------------------
def draft(region: str) -> Scheme:
    return new_scheme(level="provincial", region=region)


@pytest.mark.parametrize("region", [FULLWIDTH, ARABIC_INDIC, "12000", "1200000", "12000a"])
def test_a_scheme_region_is_six_ascii_digits(region: str) -> None:
    with pytest.raises(InvalidScheme) as refused:
        draft(region)
    assert refused.value.field == "region"


def test_an_ascii_region_is_accepted() -> None:
    assert draft("120000").region == "120000"


@pytest.mark.parametrize("region", [FULLWIDTH, ARABIC_INDIC])
def test_a_credit_code_region_is_ascii_digits(region: str) -> None:
    valid = credit_code(1)
    assert credit_code_problem(valid) is None
    assert credit_code_problem(valid[:2] + region + valid[8:]) is not None


# The disclosure date, against today in China, UTC+8 (rule 12) -----------------------------
CHINA_MIDNIGHT = datetime(2025, 3, 1, 16, 0, tzinfo=UTC)  # 2025-03-02 00:00 in China


def declare(disclosed_on: date, at: datetime) -> Declaration:
    return new_declaration(disclosed_on=disclosed_on, at=at)


@pytest.mark.parametrize(
    "at",
    [
        CHINA_MIDNIGHT,  # 00:00 in China, 16:00 the day before in UTC
        CHINA_MIDNIGHT + timedelta(hours=7, minutes=59),  # 07:59 in China, 23:59 UTC
        datetime(2025, 3, 2, 0, 30, tzinfo=CST),  # the same moments, stated in China time
        CHINA_MIDNIGHT + timedelta(hours=8),  # 08:00 in China: the UTC date has caught up
    ],
    ids=["china-midnight", "china-0759", "stated-in-cst", "china-0800"],
)
def test_a_disclosure_dated_today_in_china_is_accepted(at: datetime) -> None:
    assert declare(date(2025, 3, 2), at).disclosed_on == date(2025, 3, 2)


@pytest.mark.parametrize(
    ("disclosed_on", "at"),
    [
        (date(2025, 3, 2), CHINA_MIDNIGHT - timedelta(microseconds=1)),  # 23:59:59.999999
        (date(2025, 3, 3), CHINA_MIDNIGHT + timedelta(hours=7, minutes=59)),
        (date(2025, 3, 2), datetime(2025, 3, 1, 23, 59, tzinfo=CST)),
    ],
    ids=["a-moment-before-china-midnight", "tomorrow-in-china", "stated-in-cst"],
)
def test_a_disclosure_after_today_in_china_is_refused(disclosed_on: date, at: datetime) -> None:
    with pytest.raises(InvalidDeclaration) as refused:
        declare(disclosed_on, at)
    assert refused.value.field == "disclosed_on"


def test_a_revision_uses_the_same_day_in_china() -> None:
    declaration = declare(date(2025, 3, 1), CHINA_MIDNIGHT - timedelta(hours=1))
    content: dict[str, Any] = {
        "title": "Fridges",
        "product": Product("Fridge", "X", CATEGORY),
        "indicators": {"eff": Decimal(121)},
        "committed": True,
        "actor": Actor("platform", "feed"),
    }
    with pytest.raises(InvalidDeclaration):
        declaration.revise(
            disclosed_on=date(2025, 3, 2), at=CHINA_MIDNIGHT - timedelta(seconds=1), **content
        )
    declaration.revise(disclosed_on=date(2025, 3, 2), at=CHINA_MIDNIGHT, **content)
    assert (declaration.revision, declaration.disclosed_on) == (2, date(2025, 3, 2))


# The enterprise's codes, checked by the value object itself (rule 11) ---------------------
@pytest.mark.parametrize(
    ("code", "region", "field"),
    [
        ("91110000802100433C", "120000", "enterprise.credit_code"),  # wrong check character
        ("9111000080210043", "120000", "enterprise.credit_code"),
        (credit_code(1), FULLWIDTH, "enterprise.region"),
        (credit_code(1), "12000", "enterprise.region"),
    ],
)
def test_an_enterprise_refuses_an_invalid_credit_code_or_region(
    code: str, region: str, field: str
) -> None:
    with pytest.raises(InvalidEnterprise) as refused:
        Enterprise(code, "Maker", region)
    assert refused.value.field == field


# A scheme's indicators (rule 13) --------------------------------------------------------
def test_a_scheme_without_a_core_indicator_is_refused_naming_the_indicators() -> None:
    basic = [replace(i, kind="basic") for i in INDICATORS]
    with pytest.raises(InvalidIndicators) as refused:
        Scheme.draft(
            body=new_body(),
            title="Fridges",
            category=CATEGORY,
            cycle=2025,
            level="national",
            region="",
            indicators=basic,
            top_n=1,
            publicity_days=10,
            validity_days=365,
            actor=BODY_ACTOR,
            at=T0,
        )
    assert refused.value.field == "indicators"

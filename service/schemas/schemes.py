"""Requests about evaluation schemes, candidates and evaluations."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain import limits
from domain.scheme import Level
from domain.values import Direction, Indicator, IndicatorKind
from service.schemas.common import (
    CategoryCode,
    Dec,
    IndicatorCode,
    IndicatorValues,
    Name,
    Request,
    Text,
    Unit,
)


class IndicatorIn(Request):
    code: IndicatorCode
    name: Name
    unit: Unit = ""
    kind: IndicatorKind
    direction: Direction
    baseline: Dec
    weight: Dec

    def to_domain(self) -> Indicator:
        return Indicator(
            code=self.code,
            name=self.name,
            unit=self.unit,
            kind=self.kind.value,
            direction=self.direction.value,
            baseline=self.baseline,
            weight=self.weight,
        )


class DraftScheme(Request):
    """A body's evaluation scheme for one category, list (level and region) and cycle."""

    title: Name
    category: CategoryCode
    cycle: Annotated[int, Field(ge=limits.MIN_CYCLE, le=limits.MAX_CYCLE)]
    level: Level
    region: Annotated[
        str,
        Field(
            pattern=r"^([0-9]{6})?$",
            description="A GB/T 2260 division code of the list's level: 000000 (or empty) for "
            "national, a province's (ending 0000) for provincial, a city's (ending 00) for "
            "municipal.",
        ),
    ] = ""
    indicators: Annotated[list[IndicatorIn], Field(min_length=1, max_length=limits.MAX_INDICATORS)]
    top_n: Annotated[
        int | None,
        Field(ge=1, le=limits.MAX_TOP_N, description="The top N ranks lead (or give top_share)."),
    ] = None
    top_share: Annotated[
        Decimal | None,
        Field(
            gt=0,
            le=limits.MAX_TOP_SHARE,
            decimal_places=limits.TOP_SHARE_PLACES,
            allow_inf_nan=False,
            description="The top share of the ranked entries lead, a percentage (or give "
            "top_n): the cut-off rank is the share of the ranked entries rounded up; ties at "
            "it included.",
        ),
    ] = None
    publicity_days: Annotated[int, Field(ge=0, le=limits.MAX_PUBLICITY_DAYS)]
    validity_days: Annotated[int, Field(ge=1, le=limits.MAX_VALIDITY_DAYS)]


class ReviewScheme(Request):
    """The expert review: approve, or reject with a reason."""

    approved: bool
    reason: Text = ""


class EnterCandidate(Request):
    declaration_id: UUID


class Evaluate(Request):
    """Either the verified values, or `excluded: true` with a reason."""

    values: IndicatorValues | None = None
    units: Annotated[
        dict[IndicatorCode, Unit],
        Field(
            max_length=limits.MAX_INDICATORS,
            description="The unit each value was measured in, if stated: "
            "it must be the unit the scheme declares for that indicator.",
        ),
    ] = Field(default_factory=dict)
    excluded: bool = False
    reason: Text = ""

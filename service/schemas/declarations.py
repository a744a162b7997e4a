"""Requests about declared standards."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domain.limits import EARLIEST_DISCLOSURE
from domain.values import Enterprise, Product
from service.schemas.common import (
    CategoryCode,
    CreditCode,
    Day,
    IndicatorValues,
    Label,
    Name,
    Region,
    Request,
)


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
        Day, Field(ge=EARLIEST_DISCLOSURE, description="Not after today in China (UTC+8).")
    ]
    commitment: bool = Field(description="The enterprise commits that the data are true.")


class Declare(Content):
    """An enterprise standard, declared publicly with its core indicator values."""

    enterprise: EnterpriseIn
    standard_number: Name


class Revise(Content):
    """A new version of a declared standard."""

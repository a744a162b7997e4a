"""A title item, as the leaders list, a ranking and an enterprise's page show it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EnterpriseRef(BaseModel):
    """The enterprise as it declared itself for this title."""

    credit_code: str
    name: str
    region: str


class ProductRef(BaseModel):
    """The product the title is for, and its category."""

    name: str
    model: str
    category: str
    category_name: str | None = Field(
        default=None, description="The category's name in the catalogue (null if not in it)."
    )


class TitleItem(BaseModel):
    """One candidacy seen as a title: who, for what product, in which list, and its status."""

    candidacy_id: str
    scheme_id: str
    body_id: str
    declaration_id: str
    enterprise: EnterpriseRef
    standard_number: str
    product: ProductRef
    cycle: int
    level: str
    region: str = Field(description="The scheme's region (empty for a national scheme).")
    status: str = Field(description="As a reader should see it now (or as of the moment asked).")
    rank: int | None
    score: str | None = Field(description="The display score (9 decimal places), once ranked.")
    awarded_at: str | None
    valid_until: str | None

"""The items of the browsable lists (/v1/schemes, /v1/declarations, ...) and their statuses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas.pages import Page
from service.schemas.values import BodyChange, DecimalText, Timestamp

BodyStatus = Literal["registered", "suspended"]
DeclarationStatus = Literal["active", "withdrawn"]
# A candidacy's status as a reader sees it: as recorded, or `expired` past its validity
# before the sweep, or `under_complaint` while a complaint on its title is open.
CandidacyStatus = Literal[
    "entered",
    "evaluated",
    "excluded",
    "not_ranked",
    "ranked",
    "publicised",
    "awarded",
    "under_complaint",
    "revoked",
    "expired",
    "superseded",
    "withdrawn",
]


class SchemeItem(BaseModel):
    """A scheme as listed; its indicators, counts and ranking are on its own pages."""

    id: str
    body_id: str
    title: str
    category: str
    cycle: int
    level: str
    region: str
    status: str
    top_n: int | None = Field(description="The top N ranks lead, ties included (or top_share).")
    top_share: DecimalText | None = Field(
        description="The top share (a percentage) of the ranked entries leads (or top_n)."
    )
    publicity_days: int
    validity_days: int
    drafted_at: str
    reviewed_at: str | None
    ranked_at: str | None
    publicity_ends_at: str | None
    awarded_at: str | None
    valid_until: str | None


class BodyItem(BaseModel):
    """An evaluation body, the categories it is accredited for and its status."""

    id: str
    name: str
    kind: str
    categories: list[str]
    status: str
    registered_at: str
    suspension_reason: str | None = Field(description="While suspended: why.")
    suspended_at: Timestamp | None = Field(description="While suspended: since when.")
    changes: list[BodyChange] = Field(
        description="Its suspensions, reinstatements and changes of categories, oldest first "
        "(made by `as_of`, if asked)."
    )


class Enterprise(BaseModel):
    credit_code: str
    name: str
    region: str


class Product(BaseModel):
    name: str
    model: str
    category: str


class DeclarationItem(BaseModel):
    """A declared standard as last revised; its indicators are on its own page."""

    id: str
    enterprise: Enterprise
    standard_number: str
    title: str
    product: Product
    disclosed_on: str
    revision: int
    status: str
    declared_at: str


class TitleProduct(Product):
    category_name: str | None = Field(
        default=None, description="The category's Chinese name, if the catalogue has its code."
    )


class CandidacyItem(BaseModel):
    """A candidacy in the shape of a title (as in /v1/leaders), and when it was entered."""

    candidacy_id: str
    scheme_id: str
    body_id: str
    declaration_id: str
    enterprise: Enterprise
    standard_number: str
    product: TitleProduct
    cycle: int
    level: str
    region: str
    status: str
    rank: int | None
    score: str | None
    awarded_at: str | None
    valid_until: str | None
    entered_at: str


class ComplainedEnterprise(BaseModel):
    credit_code: str
    name: str


class ComplaintItem(BaseModel):
    """A complaint's public fields: what was complained of and the decision, not who filed
    it, what they wrote or their evidence."""

    id: str
    candidacy_id: str
    scheme_id: str
    enterprise: ComplainedEnterprise
    complainant_kind: str
    grounds: str
    status: str
    filed_at: str
    decided_at: str | None
    decided_by_role: str | None
    findings: str | None
    statement: str | None = Field(
        description="The enterprise's statement in answer (None if it made none, or not yet "
        "at `as_of`)."
    )


SchemePage = Page[SchemeItem]
BodyPage = Page[BodyItem]
DeclarationPage = Page[DeclarationItem]
CandidacyPage = Page[CandidacyItem]
ComplaintPage = Page[ComplaintItem]

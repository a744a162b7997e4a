"""Response models of titles: a leaders page and a candidacy (a ranking: schemas/rankings.py)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from domain.complaint import ComplaintStatus, Grounds
from domain.scheme import Level
from service.schemas.pages import Page
from service.schemas.records import VERSION
from service.schemas.values import (
    ActorRef,
    DecimalText,
    EnterpriseOut,
    Id,
    IndicatorFigures,
    IndicatorScoreOut,
    ProductOut,
    Timestamp,
)


class TitleStatus(StrEnum):
    """A candidacy's status (`domain.candidacy.Status`) as a reader should see it now: also
    `expired` once a title's validity has passed (before the sweeper records it), and
    `under_complaint` while a complaint against a title or publicised candidate is open."""

    ENTERED = "entered"
    EVALUATED = "evaluated"
    EXCLUDED = "excluded"
    NOT_RANKED = "not_ranked"
    RANKED = "ranked"
    PUBLICISED = "publicised"
    AWARDED = "awarded"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    UNDER_COMPLAINT = "under_complaint"


class TitleProduct(ProductOut):
    category_name: str | None = Field(
        default=None,
        description="The category's Chinese name in the catalogue; null if it is not there.",
    )


class TitleItem(BaseModel):
    """A candidacy as lists of titles show it: who, what, which list, rank and period."""

    candidacy_id: Id
    scheme_id: Id
    body_id: Id
    declaration_id: Id
    enterprise: EnterpriseOut
    standard_number: str
    product: TitleProduct
    cycle: int
    level: Level
    region: str = Field(description="The list's division code.")
    status: TitleStatus
    rank: int | None
    score: DecimalText | None
    awarded_at: Timestamp | None
    valid_until: Timestamp | None


LeaderPage = Page[TitleItem]


class ComplaintRef(BaseModel):
    id: Id
    status: ComplaintStatus
    grounds: Grounds


class CandidacyOut(TitleItem):
    """One candidacy: its status as a reader should see it now, evaluation, score
    breakdown, title period and complaints."""

    is_leader: bool = Field(description="Whether it holds a title in force now.")
    recorded_status: TitleStatus = Field(
        description="The status as last recorded (never `under_complaint`)."
    )
    declared: IndicatorFigures
    values: IndicatorFigures = Field(description="The verified values (empty until evaluated).")
    exclusion_reason: str | None
    qualified: bool
    breakdown: list[IndicatorScoreOut]
    publicity_ends_at: Timestamp | None
    ended_at: Timestamp | None
    end_reason: str | None
    ended_by: ActorRef | None
    open_complaints: int
    complaints: list[ComplaintRef]
    entered_at: Timestamp
    version: int = Field(description=VERSION)

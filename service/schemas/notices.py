"""Response model of the notice board (`GET /v1/notices`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.scheme import Level
from projections.notices import NoticeKind
from service.schemas.leaders import TitleProduct
from service.schemas.pages import Page
from service.schemas.values import ActorRef, EnterpriseOut, Id, Timestamp


class NoticeItem(BaseModel):
    """One notice: a qualified entry publicised (objections open until `publicity_ends_at`),
    or a title revoked (with its reason and who decided), expired, superseded, or ended by the
    withdrawal of its declared standard (with the enterprise's reason)."""

    kind: NoticeKind
    at: Timestamp = Field(
        description="When it was given: the ranking's publication for a publicity window, "
        "the moment the title ended otherwise."
    )
    candidacy_id: Id
    scheme_id: Id
    scheme_title: str
    enterprise: EnterpriseOut
    standard_number: str
    product: TitleProduct
    cycle: int
    level: Level
    rank: int | None
    publicity_ends_at: Timestamp | None = Field(
        description="A publicity window's close: objections may be filed until then."
    )
    valid_until: Timestamp | None
    reason: str | None = Field(description="Why a title was revoked, superseded or withdrawn.")
    decided_by: ActorRef | None = Field(description="Who revoked the title.")


NoticePage = Page[NoticeItem]

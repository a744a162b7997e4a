"""The regulator's desk: its queue of complaints within its jurisdiction."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.complaint import ComplainantKind, ComplaintStatus, Grounds
from service.schemas.lists import ComplainedEnterprise


class DeskItem(BaseModel):
    """A complaint as the desk lists it: where it stands, how old it is, whether overdue."""

    id: str
    candidacy_id: str
    scheme_id: str
    region: str = Field(description="The region of the list the title is on.")
    enterprise: ComplainedEnterprise
    complainant_kind: ComplainantKind
    grounds: Grounds
    status: ComplaintStatus
    filed_at: str
    age_days: int = Field(description="Whole days since the complaint was filed.")
    overdue: bool = Field(description="Still open after the desk's overdue days.")
    investigated_at: str | None
    answered_at: str | None = Field(description="When the enterprise answered, if it has.")
    decided_at: str | None


class DeskPage(BaseModel):
    """One page of the desk's queue, oldest filed first."""

    items: list[DeskItem]
    total: int = Field(description="How many complaints match the filters, on every page.")
    limit: int
    offset: int
    jurisdiction: str = Field(description="The reading regulator's region (000000: national).")
    overdue_after_days: int = Field(description="An open complaint older than this is overdue.")
    as_of: str

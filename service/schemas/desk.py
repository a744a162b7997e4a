"""The regulator's desk: its queue of complaints and reports, and the triage of a report."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.complaint import ComplainantKind, Grounds
from service.schemas.common import Request, RequiredText

DeskKind = Literal["complaint", "report"]
# A complaint's statuses, then a report's (`tests/e2e/test_desk.py` keeps them equal).
DeskStatus = Literal[
    "filed", "investigating", "upheld", "dismissed", "received", "folded", "closed"
]


class DeskEnterprise(BaseModel):
    credit_code: str
    name: str | None = Field(description="Unknown for a report about an undeclared enterprise.")


class DeskItem(BaseModel):
    """A complaint or a report as the desk lists it: where it stands, how old it is, whether
    it is overdue, and the link between a report and the complaint opened from it."""

    kind: DeskKind
    id: str
    candidacy_id: str | None = Field(description="None for a report about an enterprise.")
    scheme_id: str | None
    region: str = Field(
        description="The region of the list the title is on (a report about an enterprise: "
        "the region its credit code was registered in)."
    )
    enterprise: DeskEnterprise
    complainant_kind: ComplainantKind | None = Field(description="A complaint's.")
    grounds: Grounds
    description: str
    status: DeskStatus
    filed_at: str = Field(description="When the complaint was filed or the report received.")
    age_days: int = Field(description="Whole days since then.")
    overdue: bool = Field(description="Still open after the desk's overdue days.")
    investigated_at: str | None
    answered_at: str | None = Field(description="When the enterprise answered, if it has.")
    decided_at: str | None = Field(description="A complaint decided, or a report dealt with.")
    report_id: str | None = Field(description="The report a complaint was opened from.")
    complaint_id: str | None = Field(description="The complaint opened from a report.")


class DeskPage(BaseModel):
    """One page of the desk's queue, oldest first."""

    items: list[DeskItem]
    total: int = Field(description="How many match the filters, on every page.")
    limit: int
    offset: int
    jurisdiction: str = Field(description="The reading regulator's region (000000: national).")
    overdue_after_days: int = Field(description="An open item older than this is overdue.")
    as_of: str


class Unfounded(Request):
    """Why the report is unfounded: its reporter reads this when following the report."""

    reason: RequiredText


class ComplaintFromReport(Request):
    """The complaint to open from a report."""

    complainant_kind: ComplainantKind = Field(
        default=ComplainantKind.CONSUMER, description="Who the reporter is, as far as known."
    )
    candidacy_id: UUID | None = Field(
        default=None,
        description="For a report about an enterprise: which of its candidacies (required).",
    )

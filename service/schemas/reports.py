"""Requests and answers of public reports (anyone, no account) and their personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from domain import limits
from domain.complaint import Grounds
from domain.report import ReportStatus
from service.schemas.common import CreditCode, Label, Request, RequiredText, Text

Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.MAX_PHONE)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=limits.MAX_EMAIL)]
ReportEvidence = Annotated[list[Label], Field(max_length=limits.MAX_REPORT_EVIDENCE)]


class Contact(Request):
    """How a regulator may reach the reporter; private, and erased with the report's key."""

    name: Label = ""
    phone: Phone = ""
    email: Email = ""


class FileReport(Request):
    """A report about a leader (`candidacy_id`) or an enterprise (`credit_code`): exactly
    one of the two."""

    candidacy_id: UUID | None = None
    credit_code: CreditCode | None = None
    grounds: Grounds
    description: RequiredText
    evidence: ReportEvidence = Field(default_factory=list)
    contact: Contact = Field(default_factory=Contact)
    private: Text = Field(
        default="",
        description="What only a regulator may read (erased with the contact details).",
    )


class ReportReceiptOut(BaseModel):
    """The report's receipt and its secret: the secret is shown here only, never stored."""

    receipt: str
    secret: str


class ReportStatusOut(BaseModel):
    """What the holder of a report's secret sees: its status and the public outcome."""

    receipt: str
    status: ReportStatus
    outcome: str = Field(description="The regulator's answer to the reporter, once dealt with.")
    received_at: datetime
    folded_into: str | None = Field(
        description="The earlier report saying the same, whose status and outcome this shows."
    )
    complaint_id: str | None = Field(
        default=None, description="The complaint a regulator opened from the report, if any."
    )


class PersonalDataOut(BaseModel):
    """A report's personal data, for a regulator, while its key exists."""

    name: str
    phone: str
    email: str
    private: str

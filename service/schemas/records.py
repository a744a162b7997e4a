"""Response models of single records: a scheme, a declaration, an evaluation body and a
complaint, as their read models keep them (`version` is the record's ETag)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domain.complaint import ComplainantKind, ComplaintStatus, Grounds
from domain.evaluation_body import BodyKind
from domain.scheme import Level, SchemeStatus
from service.schemas.values import (
    BodyChange,
    Date,
    DecimalText,
    Id,
    IndicatorFigures,
    IndicatorOut,
    Timestamp,
)

VERSION = "The record's version: send it quoted as If-Match to change it only if unchanged."


class SchemeOut(BaseModel):
    """An evaluation scheme: its list (category, cycle, level, region), indicators and the
    moments it went through."""

    id: Id
    body_id: Id
    title: str
    category: str
    cycle: int
    level: Level
    region: str = Field(description="Division code of a provincial or municipal list.")
    status: SchemeStatus
    indicators: list[IndicatorOut]
    top_n: int | None = Field(description="The top N ranks lead, ties included (or top_share).")
    top_share: DecimalText | None = Field(
        description="The top share (a percentage) of the ranked entries leads (or top_n)."
    )
    publicity_days: int
    validity_days: int
    candidates: int = Field(description="How many candidates were entered.")
    rejection_reason: str
    drafted_at: Timestamp
    reviewed_at: Timestamp | None
    ranked_at: Timestamp | None
    publicity_ends_at: Timestamp | None
    awarded_at: Timestamp | None
    valid_until: Timestamp | None
    version: int = Field(description=VERSION)
    ranked_count: int | None = Field(description="Entries ranked, once the ranking is published.")
    qualified_count: int | None = Field(description="Ranked entries within the cut-off, then.")


class DeclarationOut(BaseModel):
    """A declared enterprise standard, as last revised."""

    id: Id
    credit_code: str
    enterprise_name: str
    region: str
    standard_number: str
    title: str
    product_name: str
    product_model: str
    category: str
    indicators: IndicatorFigures = Field(description="Declared value by indicator code.")
    disclosed_on: Date
    revision: int
    status: Literal["active", "withdrawn"]
    withdrawal_reason: str
    declared_at: Timestamp
    version: int = Field(description=VERSION)


class EvaluationBodyOut(BaseModel):
    """A third-party evaluation body and the categories it is accredited for."""

    id: Id
    name: str
    kind: BodyKind
    categories: list[str]
    status: Literal["registered", "suspended"]
    registered_at: Timestamp
    suspension_reason: str | None = Field(description="While suspended: why.")
    suspended_at: Timestamp | None = Field(description="While suspended: since when.")
    changes: list[BodyChange] = Field(
        description="Its suspensions, reinstatements and changes of categories, oldest first."
    )
    version: int = Field(description=VERSION)


class ComplaintOut(BaseModel):
    """A complaint against a title or candidacy, and its decision once made."""

    id: Id
    candidacy_id: Id
    complainant_kind: ComplainantKind
    grounds: Grounds
    description: str
    evidence: list[str]
    status: ComplaintStatus
    findings: str
    filed_by_role: str
    filed_by_subject: str
    filed_at: Timestamp
    decided_by_role: str | None
    decided_by_subject: str | None
    decided_at: Timestamp | None
    investigated_by_role: str | None = Field(description="Who started the investigation.")
    investigated_by_subject: str | None
    investigated_at: Timestamp | None
    statement: str = Field(
        description='The enterprise\'s statement in answer to the complaint ("" if none).'
    )
    answered_at: Timestamp | None
    report_id: Id | None = Field(description="The public report it was opened from, if any.")
    version: int = Field(description=VERSION)

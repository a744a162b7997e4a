"""Requests about complaints and titles."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain.complaint import ComplainantKind, Grounds
from domain.limits import MAX_EVIDENCE
from service.schemas.common import Name, Request, RequiredText

Evidence = Annotated[list[Name], Field(max_length=MAX_EVIDENCE)]


class FileComplaint(Request):
    """A complaint that a title holder does not meet its declared level, or cheated."""

    candidacy_id: UUID
    complainant_kind: ComplainantKind
    grounds: Grounds
    description: RequiredText
    evidence: Evidence = Field(default_factory=list)


class AnswerComplaint(Request):
    """The enterprise's statement in answer to a complaint about its own title."""

    statement: RequiredText


class DecideComplaint(Request):
    upheld: bool
    findings: RequiredText

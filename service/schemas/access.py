"""Requests about evaluation bodies and credentials."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from domain.evaluation_body import BodyKind
from service.schemas.common import CategoryCode, Label, Name, Request

IssuableRole = Literal["admin", "evaluation_body", "regulator", "enterprise", "platform"]


class RegisterBody(Request):
    """A third-party evaluation body and the categories it is accredited for."""

    name: Name
    kind: BodyKind
    categories: Annotated[list[CategoryCode], Field(min_length=1, max_length=200)]


class IssueCredential(Request):
    """A bearer token for one role and subject (an evaluation body's id, a credit code...)."""

    role: IssuableRole
    subject: Name
    label: Label = ""
    expires_at: AwareDatetime | None = None

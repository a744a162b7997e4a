"""Requests about evaluation bodies and credentials."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.evaluation_body import BodyKind
from domain.limits import MAX_CATEGORIES
from service.schemas.common import (
    CategoryCode,
    Label,
    Moment,
    Name,
    Region,
    Request,
    RequiredText,
)
from service.schemas.values import ActorRef, Timestamp

IssuableRole = Literal[
    "admin", "evaluation_body", "regulator", "enterprise", "platform", "subscriber"
]


class RegisterBody(Request):
    """A third-party evaluation body and the categories it is accredited for."""

    name: Name
    kind: BodyKind
    categories: Annotated[list[CategoryCode], Field(min_length=1, max_length=MAX_CATEGORIES)]


class ChangeBodyCategories(Request):
    """The categories a body is accredited for from now on (all of them), and why."""

    categories: Annotated[list[CategoryCode], Field(min_length=1, max_length=MAX_CATEGORIES)]
    reason: RequiredText


class IssueCredential(Request):
    """A bearer token for one role and subject (an evaluation body's id, a credit code...)."""

    role: IssuableRole
    subject: Name
    label: Label = ""
    expires_at: Moment | None = None
    region: Region | None = Field(
        default=None,
        description="A regulator's jurisdiction, a 6-digit division code: it may act on "
        "complaints about titles on lists of this region or below (000000, the default, "
        "is national). Other roles have none.",
    )


class CredentialOut(BaseModel):
    """A credential as administrators see it: never its token, never the token's hash."""

    id: str
    role: str
    subject: str
    label: str
    status: Literal["active", "expired", "revoked"]
    created_at: Timestamp
    created_by: ActorRef
    expires_at: Timestamp | None
    last_used_at: Timestamp | None = Field(
        description="When the token last authenticated a request (to the minute)."
    )
    revoked_at: Timestamp | None
    revocation_reason: str | None = Field(description='"rotated" when replaced by rotation.')
    replaces: str | None = Field(description="The credential this one replaced by rotation.")
    replaced_by: str | None = Field(description="The credential that replaced this one.")
    region: str = Field(description='A regulator\'s jurisdiction ("" for other roles).')
    version: int = Field(
        description='Send it quoted as If-Match (e.g. "1") to revoke or rotate the credential '
        "only if it has not changed since this read."
    )


class CredentialPage(BaseModel):
    """One page of credentials, newest first."""

    items: list[CredentialOut]
    total: int
    limit: int
    offset: int

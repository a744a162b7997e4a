"""Response model of the public access grants."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from service.schemas.access import IssuableRole
from service.schemas.values import ActorRef, Id, Timestamp


class GrantOut(BaseModel):
    """Who may (or could) act with a role for a subject: never a token, a hash or a label."""

    credential_id: Id
    role: IssuableRole
    subject: str
    status: Literal["active", "expired", "revoked"]
    issued_at: Timestamp
    issued_by: ActorRef
    expires_at: Timestamp | None
    replaces: Id | None
    revoked_at: Timestamp | None
    revoked_by: ActorRef | None
    revocation_reason: str | None

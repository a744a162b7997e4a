"""Public reads of the access grants: who may (or could) act with which role for whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.credential_queries import credential_status
from projections.queries import iso
from projections.tables import grants


def grant(row: Any, now: datetime) -> dict[str, Any]:
    """One grant as the public sees it: never a token, a hash or a label."""
    revoked_by = None
    if row.revoked_at is not None:
        revoked_by = {"role": row.revoked_by_role, "subject": row.revoked_by_subject}
    return {
        "credential_id": row.credential_id,
        "role": row.role,
        "subject": row.subject,
        "status": credential_status(row, now),
        "issued_at": iso(row.issued_at),
        "issued_by": {"role": row.issued_by_role, "subject": row.issued_by_subject},
        "expires_at": iso(row.expires_at),
        "replaces": row.replaces,
        "revoked_at": iso(row.revoked_at),
        "revoked_by": revoked_by,
        "revocation_reason": row.revocation_reason or None,
    }


async def list_grants(
    conn: AsyncConnection,
    *,
    now: datetime,
    role: str | None = None,
    subject: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Grants, newest first, current and past, filtered by role and subject."""
    where = []
    if role is not None:
        where.append(grants.c.role == role)
    if subject is not None:
        where.append(grants.c.subject == subject)
    total = await conn.scalar(select(func.count()).select_from(grants).where(*where))
    rows = await conn.execute(
        select(grants)
        .where(*where)
        .order_by(grants.c.issued_at.desc(), grants.c.credential_id)
        .limit(limit)
        .offset(offset)
    )
    items = [grant(r, now) for r in rows]
    return {"items": items, "total": int(total or 0), "limit": limit, "offset": offset}

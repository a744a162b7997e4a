"""Credentials as their readers see them (private: the caller checks the reader may)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.jurisdiction import NATIONAL
from domain.values import Role
from projections.queries import iso
from projections.tables import credentials


def credential_status(row: Any, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def _credential(row: Any, now: datetime) -> dict[str, Any]:
    return {
        "id": row.id,
        "role": row.role,
        "subject": row.subject,
        "label": row.label,
        "status": credential_status(row, now),
        "created_at": iso(row.created_at),
        "created_by": {"role": row.created_by_role, "subject": row.created_by_subject},
        "expires_at": iso(row.expires_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
        "revocation_reason": row.revocation_reason or None,
        "replaces": row.replaces,
        "replaced_by": row.replaced_by,
        # Older regulators' credentials hold no region: they are national.
        "region": row.region or (NATIONAL if row.role == Role.REGULATOR else ""),
        "version": row.version,
    }


async def list_credentials(
    conn: AsyncConnection,
    *,
    now: datetime,
    role: str | None = None,
    subject: str | None = None,
    include_revoked: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Credentials, newest first; revoked ones only if asked (expired ones are marked)."""
    k = credentials.c
    where = []
    if role is not None:
        where.append(k.role == role)
    if subject is not None:
        where.append(k.subject == subject)
    if not include_revoked:
        where.append(k.revoked_at.is_(None))
    total = await conn.scalar(select(func.count()).select_from(credentials).where(*where))
    rows = await conn.execute(
        select(credentials)
        .where(*where)
        .order_by(k.created_at.desc(), k.id)
        .limit(limit)
        .offset(offset)
    )
    return {
        "items": [_credential(r, now) for r in rows],
        "total": int(total or 0),
        "limit": limit,
        "offset": offset,
    }

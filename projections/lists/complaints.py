"""The complaints list, public fields only: by status, grounds, enterprise and candidacy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from projections.lists.timed import masked, timed
from projections.tables import candidacies, complaints

k = complaints.c
# Public: what was complained of, by what kind of complainant, and the decision. Not the
# filer's identity, description or evidence (they may name people); the single read and
# the event feed carry the record in full for those entitled to it.
PUBLIC = (
    k.id,
    k.candidacy_id,
    k.complainant_kind,
    k.grounds,
    k.status,
    k.findings,
    k.decided_by_role,
    k.filed_at,
    k.decided_at,
    k.statement,  # the enterprise's answer: public, as in `GET /v1/complaints/{id}`
    k.answered_at,
)


def complaints_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    status: str | None = None,
    grounds: str | None = None,
    credit_code: str | None = None,
    candidacy_id: str | None = None,
    decided: bool = False,
) -> Select[Any]:
    """Complaints matching every filter given (`decided`: only those decided), newest filed
    first (ties by id)."""
    t = timed(complaints, now=now, as_of=as_of, displayed=False)
    source = t.source.join(candidacies, candidacies.c.id == k.candidacy_id)
    query = select(
        *PUBLIC,
        candidacies.c.credit_code,
        candidacies.c.enterprise_name,
        candidacies.c.scheme_id,
        t.status.label("shown_status"),
    ).select_from(source)
    if grounds is not None:
        query = query.where(k.grounds == grounds)
    if credit_code is not None:
        query = query.where(candidacies.c.credit_code == credit_code)
    if candidacy_id is not None:
        query = query.where(k.candidacy_id == candidacy_id)
    if status is not None:
        query = query.where(t.status_is(status))
    if decided:
        query = query.where(k.decided_at.is_not(None))
    return query.order_by(k.filed_at.desc(), k.id)


def complaint_item(row: Row[Any], as_of: datetime | None = None) -> dict[str, Any]:
    """One complaint as listed; at `as_of`, without a decision not yet taken then."""
    decided_at = masked(as_of, row.decided_at)
    return {
        "id": row.id,
        "candidacy_id": row.candidacy_id,
        "scheme_id": row.scheme_id,
        "enterprise": {"credit_code": row.credit_code, "name": row.enterprise_name},
        "complainant_kind": row.complainant_kind,
        "grounds": row.grounds,
        "status": row.shown_status,
        "filed_at": row.filed_at.isoformat(),
        "decided_at": decided_at,
        "decided_by_role": row.decided_by_role if decided_at else None,
        "findings": row.findings if decided_at else None,
        "statement": row.statement if masked(as_of, row.answered_at) else None,
    }

"""The declarations list: by credit code, standard number, model, category and status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from projections.lists.timed import timed
from projections.tables import declarations

d = declarations.c


def declarations_select(
    *,
    now: datetime,
    as_of: datetime | None = None,
    credit_code: str | None = None,
    standard_number: str | None = None,
    product_model: str | None = None,
    category: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    """Declarations matching every filter given (numbers and models exactly), newest
    declared first (ties by id)."""
    t = timed(declarations, now=now, as_of=as_of, displayed=False)
    columns = [c for c in declarations.c if c.name != "indicators"]
    query = select(*columns, t.status.label("shown_status")).select_from(t.source)
    for column, value in (
        (d.credit_code, credit_code),
        (d.standard_number, standard_number),
        (d.product_model, product_model),
        (d.category, category),
    ):
        if value is not None:
            query = query.where(column == value)
    if status is not None:
        query = query.where(t.status_is(status))
    return query.order_by(d.declared_at.desc(), d.id)


def declaration_item(row: Row[Any], as_of: datetime | None = None) -> dict[str, Any]:
    """One declaration as listed, as last revised (its indicators are on its own page)."""
    return {
        "id": row.id,
        "enterprise": {
            "credit_code": row.credit_code,
            "name": row.enterprise_name,
            "region": row.region,
        },
        "standard_number": row.standard_number,
        "title": row.title,
        "product": {
            "name": row.product_name,
            "model": row.product_model,
            "category": row.category,
        },
        "disclosed_on": row.disclosed_on,
        "revision": row.revision,
        "status": row.shown_status,
        "declared_at": row.declared_at.isoformat(),
    }

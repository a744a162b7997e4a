"""Enterprises: one row per credit code, and the enterprise of every declaration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.declaration import Declaration
from projections.machinery.base import Projection, on
from projections.machinery.encoding import event_type
from projections.machinery.rows import Rows
from projections.tables import enterprise_names, enterprises


class Enterprises(Projection):
    """An enterprise's name and region come with each of its declarations: the latest wins."""

    name = "enterprises"
    uses_rows = True
    tables = (enterprises, enterprise_names)

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        codes = [
            e.enterprise.credit_code for e in events if event_type(e) == "Declaration.Declared"
        ]
        rows.prefetch(enterprises, codes)

    @on(Declaration.Declared)
    def declared(self, rows: Rows, e: Declaration.Declared, position: int) -> None:
        code, at = e.enterprise.credit_code, e.timestamp
        named = dict(name=e.enterprise.name, region=e.enterprise.region)
        rows.insert(
            enterprise_names, dict(position=position, credit_code=code, declared_at=at, **named)
        )
        latest = dict(last_declared_at=at, last_position=position, **named)
        if rows.get(enterprises, code) is None:
            row = dict(credit_code=code, declarations=1, first_declared_at=at, **latest)
            rows.insert(enterprises, row)
        else:
            count = dict(declarations=lambda row: row["declarations"] + 1)
            rows.update(enterprises, code, **count, **latest)

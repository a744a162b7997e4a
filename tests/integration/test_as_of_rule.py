"""The lists' status conditions in SQL agree with the reads' rule, `display_status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, insert, select

from projections.as_of import shown_status, status_is
from projections.queries import display_status
from projections.tables import status_history

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ("entered", "ranked", "publicised", "awarded", "revoked", "expired", "superseded")
SHOWN = (*STATUSES, "under_complaint")
VALIDITY = (None, MOMENT - timedelta(seconds=1), MOMENT, MOMENT + timedelta(seconds=1))


def test_every_combination_shows_and_filters_as_the_reads_do(engine: Engine) -> None:
    combinations = list(product(STATUSES, (0, 1, 2), VALIDITY))
    rows: list[dict[str, Any]] = [
        dict(
            period_id=str(n),
            record_id=str(n),
            kind="candidacy",
            status=status,
            open_complaints=complaints,
            valid_until=valid_until,
            began_at=MOMENT - timedelta(days=1),
            began_position=n,
        )
        for n, (status, complaints, valid_until) in enumerate(combinations)
    ]
    h = status_history.c
    with engine.begin() as conn:
        conn.execute(insert(status_history), rows)
        shown: dict[str, str] = dict(
            conn.execute(select(h.period_id, shown_status(h, MOMENT))).all()
        )
        matching = {
            status: set(conn.scalars(select(h.period_id).where(status_is(h, status, MOMENT))))
            for status in SHOWN
        }
    for row in rows:
        expected = display_status(SimpleNamespace(**row), MOMENT)
        assert shown[row["period_id"]] == expected, row
        assert {s for s, keys in matching.items() if row["period_id"] in keys} == {expected}, row

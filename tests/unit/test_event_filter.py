"""The event filter in memory (OR within a field, AND across), its primitives, its limits."""

from __future__ import annotations

from typing import Any

import pytest

from domain.event_filter import TooManyFilterValues
from domain.limits import MAX_FILTER_TOTAL, MAX_FILTER_VALUES
from projections.event_filters import EventFilter

ROWS: list[dict[str, Any]] = [
    dict(event_type="Candidacy.Awarded", category="A1", credit_code="C1", body_id="b1",
         scheme_id="s1", candidacy_id="c1"),
    dict(event_type="Candidacy.Awarded", category="A2", credit_code="C2", body_id="b1",
         scheme_id="s2", candidacy_id="c2"),
    dict(event_type="Scheme.Published", category="A1", credit_code=None, body_id="b2",
         scheme_id="s1", candidacy_id=None),
    dict(event_type="EvaluationBody.Registered", category=None, credit_code=None, body_id="b2",
         scheme_id=None, candidacy_id=None),
]  # fmt: skip


def test_or_within_a_field_and_across_fields() -> None:
    found = EventFilter(categories=("A1", "A2"), body_ids=("b1",))
    assert [found.matches(r) for r in ROWS] == [True, True, False, False]
    assert EventFilter().is_empty and not found.is_empty


def test_round_trip_through_primitives() -> None:
    found = EventFilter(types=("Scheme.Published", "Candidacy.Awarded", "Scheme.Published"))
    assert found.to_dict() == {"types": ["Candidacy.Awarded", "Scheme.Published"]}
    assert EventFilter.from_dict(found.to_dict()) == found
    assert isinstance(EventFilter.from_dict({}), EventFilter)


def test_limits() -> None:
    with pytest.raises(TooManyFilterValues) as one:
        EventFilter(categories=tuple(f"C{i}" for i in range(MAX_FILTER_VALUES + 1)))
    assert one.value.field == "categories"
    many = {f: tuple(f"{f}{i}" for i in range(MAX_FILTER_VALUES)) for f in ("types", "body_ids")}
    many["scheme_ids"] = tuple(str(i) for i in range(MAX_FILTER_TOTAL - 2 * MAX_FILTER_VALUES + 1))
    with pytest.raises(TooManyFilterValues) as total:
        EventFilter(**many)
    assert total.value.field in ("types", "body_ids")
    with pytest.raises(Exception, match="not an event filter field"):
        EventFilter.from_dict({"colour": ["red"]})

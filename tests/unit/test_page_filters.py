"""The leaders page's filters: empty means any, bad values name their field, URLs round-trip."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from service.pages.filters import BadFilter, LeaderFilters

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_empty_fields_mean_any() -> None:
    empty = {"category": "", "level": "", "cycle": "", "as_of": "", "page": ""}
    assert LeaderFilters.parse(empty) == LeaderFilters()
    assert LeaderFilters().query() == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", "galactic"),
        ("cycle", "abc"),
        ("cycle", "1800"),
        ("page", "0"),
        ("as_of", "2025-13-01"),
        ("category", "no spaces"),
        ("credit_code", "123"),
        ("region", "abc"),
    ],
)
def test_a_bad_value_names_its_field(field: str, value: str) -> None:
    with pytest.raises(BadFilter) as refused:
        LeaderFilters.parse({field: value})
    assert refused.value.field == field


def test_the_query_string_round_trips_and_pages() -> None:
    filters = LeaderFilters.parse(
        {"category": "C3851", "level": "national", "cycle": "2025", "as_of": "2025-03-11"}
    )
    assert filters.query() == "category=C3851&level=national&cycle=2025&as_of=2025-03-11"
    assert filters.query(2).endswith("&page=2")
    assert filters.offset == 0 and LeaderFilters(page=3).offset == 40


def test_a_day_is_read_at_its_end_in_china_unless_it_has_not_ended() -> None:
    day = LeaderFilters(as_of=date(2025, 3, 11)).moment(NOW)
    assert day is not None and day.isoformat() == "2025-03-11T23:59:59.999999+08:00"
    assert LeaderFilters(as_of=date(2025, 6, 1)).moment(NOW) is None  # today: now
    assert LeaderFilters().moment(NOW) is None
    api = LeaderFilters(level="national", as_of=date(2025, 3, 11)).api_query(NOW)
    assert api == "level=national&as_of=2025-03-11T23%3A59%3A59.999999%2B08%3A00&limit=20&offset=0"
    csv = LeaderFilters(level="national", page=2).download_query(NOW)
    assert csv == "level=national&format=csv"  # the whole list, whichever page

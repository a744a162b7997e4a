"""The report settings are bounded: a retention or duplicate window so long that its start
is no date is refused when the settings are read, not when the first report is filed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from registry.settings import Settings


@pytest.mark.parametrize(
    "setting", [{"report_retention_days": 1e9}, {"report_duplicate_window_hours": 1e12}]
)
def test_a_span_beyond_any_date_is_refused(setting: dict[str, float]) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(**setting)  # type: ignore[arg-type]
    assert next(iter(setting)) in str(raised.value)


def test_the_defaults_and_the_longest_spans_are_accepted() -> None:
    Settings()
    Settings(report_retention_days=3650, report_duplicate_window_hours=3650 * 24)

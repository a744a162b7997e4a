"""Which public events a reader follows: a plain value (primitives only), OR within a field,
AND across fields; its SQL form lives in `projections.event_filters`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from domain.errors import InvalidInput
from domain.limits import MAX_FILTER_TOTAL, MAX_FILTER_VALUES

# Each field of the filter and the column of the `events` read model it matches.
COLUMNS: dict[str, str] = {
    "types": "event_type",
    "categories": "category",
    "credit_codes": "credit_code",
    "body_ids": "body_id",
    "scheme_ids": "scheme_id",
    "candidacy_ids": "candidacy_id",
}


class TooManyFilterValues(InvalidInput):
    """A filter names more values than the limits allow."""


@dataclass(frozen=True)
class EventFilter:
    """Event types, category codes, credit codes and ids an event must match (empty: any)."""

    types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    credit_codes: tuple[str, ...] = ()
    body_ids: tuple[str, ...] = ()
    scheme_ids: tuple[str, ...] = ()
    candidacy_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Sorted and without repeats, so that equal filters compare and serialise equal.
        for name in COLUMNS:
            object.__setattr__(self, name, tuple(sorted({str(v) for v in getattr(self, name)})))
        total = 0
        for name in COLUMNS:
            count = len(getattr(self, name))
            total += count
            if count > MAX_FILTER_VALUES:
                raise TooManyFilterValues(
                    f"at most {MAX_FILTER_VALUES} values of one filter", field=name
                )
        if total > MAX_FILTER_TOTAL:
            raise TooManyFilterValues(
                f"at most {MAX_FILTER_TOTAL} filter values in all", field=_largest(self)
            )

    @property
    def is_empty(self) -> bool:
        """True if the filter lets every event through."""
        return not any(getattr(self, name) for name in COLUMNS)

    def matches(self, row: Mapping[str, Any]) -> bool:
        """Whether an `events` row (or a mapping with its column names) passes the filter."""
        for name, column in COLUMNS.items():
            wanted: Sequence[str] = getattr(self, name)
            if wanted and (row.get(column) is None or str(row[column]) not in wanted):
                return False
        return True

    def to_dict(self) -> dict[str, list[str]]:
        """The filter as primitives (only the fields it sets)."""
        return {name: list(getattr(self, name)) for name in COLUMNS if getattr(self, name)}

    @classmethod
    def from_dict(cls, value: Mapping[str, Sequence[str]]) -> Self:
        """The filter `to_dict` wrote (unknown keys are an error)."""
        unknown = set(value) - set(COLUMNS)
        if unknown:
            raise InvalidInput("not an event filter field", field=sorted(unknown)[0])
        return cls(**{name: tuple(values) for name, values in value.items()})


def _largest(found: EventFilter) -> str:
    """The field with the most values (the one to name when the total is too large)."""
    return max(COLUMNS, key=lambda name: len(getattr(found, name)))

"""An event filter from the query string (the feed's and the stream's): each field may be
repeated (OR), fields combine with AND; too many values are refused naming the field."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from domain.errors import InvalidInput
from domain.event_filter import TooManyFilterValues
from domain.limits import MAX_FILTER_TOTAL, MAX_FILTER_VALUES
from projections.event_filters import EventFilter
from service.schemas.common import CategoryCode, CreditCode
from service.schemas.events import EventType

# The query parameter of each field of the filter.
PARAMS = {
    "types": "type",
    "categories": "category",
    "credit_codes": "credit_code",
    "body_ids": "body_id",
    "scheme_ids": "scheme_id",
    "candidacy_ids": "candidacy_id",
}
REPEAT = (
    f"May be repeated (any of them; at most {MAX_FILTER_VALUES} values of one parameter "
    f"and {MAX_FILTER_TOTAL} in all); different parameters must all match."
)


def _query(what: str) -> Any:
    return Query(description=f"Only events {what}. {REPEAT}")


def event_filter(
    type: Annotated[list[EventType], _query("of this type, e.g. `Candidacy.Awarded`")] = [],  # noqa: B006
    category: Annotated[list[CategoryCode], _query("about this category (code)")] = [],  # noqa: B006
    credit_code: Annotated[list[CreditCode], _query("about this enterprise (credit code)")] = [],  # noqa: B006
    body_id: Annotated[list[UUID], _query("about this evaluation body")] = [],  # noqa: B006
    scheme_id: Annotated[list[UUID], _query("about this scheme")] = [],  # noqa: B006
    candidacy_id: Annotated[list[UUID], _query("about this candidacy")] = [],  # noqa: B006
) -> EventFilter:
    """The filter the query string names (none: every public event)."""
    try:
        return EventFilter(
            types=tuple(type),
            categories=tuple(category),
            credit_codes=tuple(credit_code),
            body_ids=tuple(str(v) for v in body_id),
            scheme_ids=tuple(str(v) for v in scheme_id),
            candidacy_ids=tuple(str(v) for v in candidacy_id),
        )
    except TooManyFilterValues as error:
        raise InvalidInput(error.message, field=PARAMS.get(error.field or "", "")) from None

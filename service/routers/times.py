"""The `as_of` query parameter of the reads that answer as the registry stood then."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from domain import limits
from service.schemas.common import Moment

AsOf = Annotated[
    Moment | None,
    Query(
        description="As the registry stood at this moment: an RFC 3339 date-time with its "
        f"offset (e.g. 2026-01-01T08:00:00+08:00), between {limits.EARLIEST_MOMENT.date()} "
        f"and {limits.LATEST_MOMENT.date()} in UTC; 404 if the record did not exist yet."
    ),
]

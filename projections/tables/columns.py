"""The read models' column types, their metadata, and the widths a rule fixes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Dialect,
    MetaData,
    String,
    Text,
    TypeDecorator,
)

from domain.limits import MAX_CATEGORY_CODE


class Grams(TypeDecorator[list[str]]):
    """A document's bigrams: a `text[]` under a GIN index on PostgreSQL; not kept on SQLite,
    where a search reads the (embedded-scale) documents themselves."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        return value if dialect.name == "postgresql" else None

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str] | None:
        return list(value) if isinstance(value, list) else None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value


metadata = MetaData()
# Widths are given only where a rule fixes them (ids, codes, enumerations); every text that
# people write or the registry derives from it (names, numbers, scores) is `Text`: the
# limits are in `domain.limits`, enforced before anything is recorded.
ID = String(36)
CATEGORY = String(MAX_CATEGORY_CODE)
TS = UTCDateTime()

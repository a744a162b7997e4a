"""The leaders page's filters, read from a GET form: empty fields mean "any"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from pydantic import TypeAdapter, ValidationError

from domain import limits
from domain.scheme import Level
from registry.inputs import CategoryCode, CreditCode, Region

PAGE_SIZE = 20
MAX_PAGE = 100_000
# A date picked is the list at the end of that day, in China Standard Time.
CST = timezone(timedelta(hours=8), "CST")

_CATEGORY: TypeAdapter[str] = TypeAdapter(CategoryCode)
_REGION: TypeAdapter[str] = TypeAdapter(Region)
_CREDIT_CODE: TypeAdapter[str] = TypeAdapter(CreditCode)


class BadFilter(ValueError):
    """A filter's value is not valid; the page answers 400 naming it."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _checked(field: str, adapter: TypeAdapter[str], value: str | None) -> str | None:
    if not value:
        return None
    try:
        return adapter.validate_python(value.strip())
    except ValidationError:
        raise BadFilter(field) from None


def _number(field: str, value: str | None, low: int, high: int) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise BadFilter(field)
    return int(value)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadFilter("as_of") from None
    if not limits.EARLIEST_MOMENT.date() <= day < limits.LATEST_MOMENT.date():
        raise BadFilter("as_of")
    return day


@dataclass(frozen=True)
class LeaderFilters:
    """What the reader asked for; `query()` gives it back as a shareable query string."""

    category: str | None = None
    level: str | None = None
    region: str | None = None
    cycle: int | None = None
    credit_code: str | None = None
    as_of: date | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str | None]) -> LeaderFilters:
        level = params.get("level") or None
        if level is not None and level not in {item.value for item in Level}:
            raise BadFilter("level")
        return cls(
            category=_checked("category", _CATEGORY, params.get("category")),
            level=level,
            region=_checked("region", _REGION, params.get("region")),
            cycle=_number("cycle", params.get("cycle"), limits.MIN_CYCLE, limits.MAX_CYCLE),
            credit_code=_checked("credit_code", _CREDIT_CODE, params.get("credit_code")),
            as_of=_day(params.get("as_of")),
            page=_number("page", params.get("page"), 1, MAX_PAGE) or 1,
        )

    def moment(self, now: datetime) -> datetime | None:
        """The moment to read at: the end of the picked day, or None for now (also when
        the picked day has not ended yet)."""
        if self.as_of is None:
            return None
        end = datetime.combine(self.as_of, time.max, tzinfo=CST)
        return end if end < now else None

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def _pairs(self) -> dict[str, Any]:
        pairs = {
            "category": self.category,
            "level": self.level,
            "region": self.region,
            "cycle": self.cycle,
            "credit_code": self.credit_code,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }
        return {name: value for name, value in pairs.items() if value is not None}

    def query(self, page: int | None = None) -> str:
        """The page's query string (the filters, and `page` when not the first)."""
        pairs = self._pairs()
        page = self.page if page is None else page
        if page > 1:
            pairs["page"] = page
        return urlencode(pairs)

    def _api_pairs(self, now: datetime) -> dict[str, Any]:
        pairs = {k: v for k, v in self._pairs().items() if k != "as_of"}
        moment = self.moment(now)
        if moment is not None:
            pairs["as_of"] = moment.isoformat()
        return pairs

    def api_query(self, now: datetime) -> str:
        """This page of the list from the JSON API (`/v1/leaders`)."""
        return urlencode({**self._api_pairs(now), "limit": PAGE_SIZE, "offset": self.offset})

    def download_query(self, now: datetime) -> str:
        """The whole list as a CSV download from the API (`/v1/leaders?format=csv`)."""
        return urlencode({**self._api_pairs(now), "format": "csv"})


def page_number(value: str | None) -> int:
    """A page's `page` parameter: 1 when absent; a 400 naming it when not a page number."""
    return _number("page", value, 1, MAX_PAGE) or 1

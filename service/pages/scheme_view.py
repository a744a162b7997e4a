"""The scheme page's parameters (section, page, entry, as_of) and its ranking's rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from service.pages.filters import PAGE_SIZE, BadFilter, LeaderFilters

SECTIONS = ("ranked", "not_ranked")


@dataclass(frozen=True)
class SchemeQuery:
    """What the reader asked of a scheme's page; `link()` gives it back as a query string."""

    section: str = "ranked"
    page: int = 1
    entry: str | None = None  # the candidacy whose indicators the chart shows
    as_of: date | None = None

    @classmethod
    def parse(
        cls, section: str | None, page: str | None, entry: str | None, as_of: str | None
    ) -> SchemeQuery:
        """Read the parameters; `page` and `as_of` by the leaders page's own rules."""
        if section and section not in SECTIONS:
            raise BadFilter("section")
        common = LeaderFilters.parse({"page": page, "as_of": as_of})
        return cls(section or "ranked", common.page, entry or None, common.as_of)

    def moment(self, now: datetime) -> datetime | None:
        """The moment to read at (the end of the `as_of` day), None for now."""
        return LeaderFilters(as_of=self.as_of).moment(now)

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def link(self, **changes: Any) -> str:
        """This page's query string with `changes` (defaults left out: a short, shareable URL)."""
        wanted = replace(self, **changes)
        pairs: dict[str, Any] = {}
        if wanted.section != "ranked":
            pairs["section"] = wanted.section
        if wanted.page > 1:
            pairs["page"] = wanted.page
        if wanted.entry:
            pairs["entry"] = wanted.entry
        if wanted.as_of is not None:
            pairs["as_of"] = wanted.as_of.isoformat()
        return urlencode(pairs)

    def href(self, scheme_id: str, **changes: Any) -> str:
        """The path of this scheme's page with `changes`."""
        query = self.link(**changes)
        return f"/schemes/{scheme_id}" + (f"?{query}" if query else "")

    def api_query(self, moment: datetime | None, **extra: Any) -> str:
        """This page of the section from `/v1/schemes/{id}/ranking`."""
        pairs: dict[str, Any] = {"section": self.section}
        if moment is not None:
            pairs["as_of"] = moment.isoformat()
        return urlencode({**pairs, **extra})


def rows(items: list[dict[str, Any]], offset: int, qualified: int) -> list[dict[str, Any]]:
    """The page's entries (all but the one past the page, read to see a tie across pages),
    each with its `place` in the section, whether it shares its rank (`tied`), and whether
    the cut-off falls just below it (`cut_below`: the first `qualified` places qualify)."""
    shown = []
    for i, item in enumerate(items[:PAGE_SIZE]):
        place = offset + i + 1
        after = items[i + 1] if i + 1 < len(items) else None
        rank = item["rank"]
        tied = rank is not None and (rank != place or (after is not None and after["rank"] == rank))
        cut_below = rank is not None and place == qualified and after is not None
        shown.append({**item, "place": place, "tied": tied, "cut_below": cut_below})
    return shown

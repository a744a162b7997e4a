"""Response model of a ranking's page: the scheme's summary and counts, and one page."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas.pages import Page
from service.schemas.title_items import TitleItem


class Contribution(BaseModel):
    """How one core indicator contributed to an entry's score (decimals as strings)."""

    code: str
    value: str
    baseline: str
    weight: str
    improvement: str


class RankingEntry(TitleItem):
    """An entry of the ranking: a ranked one with its breakdown, or one not ranked and why."""

    qualified: bool = Field(description="Within the cut-off (top N, ties included).")
    breakdown: list[Contribution]
    reason: str | None = Field(description="Why it was not ranked (null for a ranked entry).")


class RankingScheme(BaseModel):
    """The scheme the ranking belongs to."""

    id: str
    body_id: str
    title: str
    category: str
    cycle: int
    level: str
    region: str
    status: str
    top_n: int
    candidates: int
    ranked_at: str | None
    publicity_ends_at: str | None
    awarded_at: str | None
    valid_until: str | None


class RankingCounts(BaseModel):
    """The ranking's counts, the same on every page."""

    entered: int = Field(description="Candidates entered into the scheme.")
    ranked: int
    qualified: int = Field(description="Ranked entries within the cut-off.")
    not_ranked: int = Field(description="Entries excluded or not ranked, with reasons.")


class RankingPage(Page[RankingEntry]):
    """One page of a scheme's ranking (`section`), with its summary and counts."""

    scheme: RankingScheme
    published: bool = Field(description="Whether the ranking had been published.")
    counts: RankingCounts
    top_n: int = Field(description="The scheme's cut-off: the top N ranks, ties included.")
    cutoff_rank: int | None = Field(description="The last rank within the cut-off.")
    section: Literal["ranked", "not_ranked"]

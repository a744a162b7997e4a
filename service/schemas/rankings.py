"""Response model of a ranking's page: the scheme's summary and counts, and one page."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domain.scheme import Level, SchemeStatus
from service.schemas.leaders import TitleItem
from service.schemas.pages import Page
from service.schemas.values import DecimalText, Id, IndicatorScoreOut, Timestamp


class RankingEntry(TitleItem):
    """An entry of the ranking: a ranked one with its breakdown, or one not ranked and why."""

    qualified: bool = Field(description="Within the cut-off (top N, ties included).")
    breakdown: list[IndicatorScoreOut] = Field(description="Empty for an entry not ranked.")
    reason: str | None = Field(description="Why it was not ranked (null for a ranked entry).")


class RankingScheme(BaseModel):
    """The scheme the ranking belongs to (as it stood at `as_of`, if asked)."""

    id: Id
    body_id: Id
    title: str
    category: str
    cycle: int
    level: Level
    region: str
    status: SchemeStatus
    top_n: int | None = Field(description="The top N ranks lead, ties included (or top_share).")
    top_share: DecimalText | None = Field(
        description="The top share (a percentage) of the ranked entries leads (or top_n)."
    )
    candidates: int
    ranked_at: Timestamp | None
    publicity_ends_at: Timestamp | None
    awarded_at: Timestamp | None
    valid_until: Timestamp | None


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
    top_n: int | None = Field(description="The scheme's quota: the top N ranks, ties included.")
    top_share: DecimalText | None = Field(
        description="Or its quota as a share: this percentage of the ranked entries, rounded "
        "up, gives the cut-off rank; ties included."
    )
    cutoff_rank: int | None = Field(description="The last rank within the cut-off.")
    section: Literal["ranked", "not_ranked"]

"""Response models of the lists' changes: between two cycles of a list, and since a position."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from domain.scheme import Level
from service.schemas.leaders import TitleItem, TitleStatus
from service.schemas.values import Id, Timestamp

Why = Literal["awarded", "revoked", "expired", "superseded", "withdrawn"]
WHY = (
    "`awarded` for a title that joined; for one that left: `revoked` or `withdrawn` (its "
    "standard withdrawn; both with the `reason`), `expired` (at the end of its validity) or "
    "`superseded` (by a later cycle's list, `by_scheme_id`)."
)


class LeaderChange(BaseModel):
    """A title that joined the leaders list or left it, where in the log and why."""

    change: Literal["joined", "left"]
    position: int = Field(description="The log position of the event that made the change.")
    why: Why = Field(description=WHY)
    at: Timestamp = Field(description="When the list changed.")
    reason: str | None = Field(description="A revocation's or a withdrawal's reason.")
    by_scheme_id: Id | None = Field(description="For `superseded`: the list that did.")
    title: TitleItem = Field(description="The title as it is now.")


class LeaderChanges(BaseModel):
    """The changes recorded after `since`, oldest first; call again with `since` = `up_to`."""

    items: list[LeaderChange]
    since: int
    up_to: int = Field(description="The log position this answer covers every change up to.")
    more: bool = Field(description="A full page: more changes follow `up_to` already.")


class ListKey(BaseModel):
    """A list: the evaluation body that keeps it, its category, level and region."""

    body_id: Id
    category: str
    level: Level
    region: str = Field(description="The list's division code (000000: national).")


class ListCycle(BaseModel):
    """One cycle's list: its scheme, when it was awarded and how many titles it awarded."""

    cycle: int
    scheme_id: Id
    awarded_at: Timestamp | None
    titles: int


class Stayed(BaseModel):
    """A title on both lists: as it was in the earlier cycle, and in the later."""

    before: TitleItem
    after: TitleItem
    matched_by: Literal["standard", "product"] = Field(
        description="The same enterprise's same declared standard, or (declared again under "
        "another standard number) the same product model."
    )


class LaterOutcome(BaseModel):
    """How far the standard (or product) of a title that left got in the later cycle."""

    candidacy_id: Id
    status: TitleStatus
    reason: str | None = Field(description="Why it was excluded or not ranked.")
    rank: int | None


class Left(BaseModel):
    """A title of the earlier list not on the later one, and why."""

    title: TitleItem
    why: Literal["superseded", "not_requalified", "revoked", "expired", "withdrawn"] = Field(
        description="`revoked` or `withdrawn` (when, and the `reason`); `expired` before the "
        "later list; `superseded` by another title of the same enterprise on the later list "
        "(`superseded_by`); else `not_requalified` (`later_cycle` says how far it got, null: "
        "not entered)."
    )
    at: Timestamp | None = Field(description="When it left the list.")
    reason: str | None
    by_scheme_id: Id | None = Field(description="For `superseded`: the later list's scheme.")
    superseded_by: TitleItem | None
    later_cycle: LaterOutcome | None = Field(
        description="Its candidacy in the later cycle that won no title; null if none."
    )


class CycleChanges(BaseModel):
    """What changed between two cycles' lists of one list key."""

    list_key: ListKey
    earlier: ListCycle
    later: ListCycle
    entered: list[TitleItem] = Field(description="On the later list, not on the earlier.")
    stayed: list[Stayed]
    left: list[Left]

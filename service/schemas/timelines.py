"""Response model of a scheme's timeline: the steps it went through, when and by whom."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas.values import ActorRef, Id, Timestamp

Step = Literal[
    "drafted", "approved", "rejected", "ranked", "publicity_ends", "awarded", "superseded"
]


class SchemeStep(BaseModel):
    """One step of a scheme: drafted, reviewed (approved or rejected), ranked (its
    publicity window opens), the window's end, awarded, its titles superseded."""

    step: Step
    at: Timestamp = Field(description="When; for `publicity_ends`, possibly still to come.")
    actor: ActorRef | None = Field(
        description="Who took the step (null for the end of the publicity window)."
    )
    by_scheme_id: Id | None = Field(
        default=None, description="For `superseded`: the scheme whose list superseded it."
    )

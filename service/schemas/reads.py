"""Response models of the public reads (typed loosely until the read models settle)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Record = dict[str, Any]


class LeaderPage(BaseModel):
    """One page of the titles in force (now, or `as_of` a past moment)."""

    model_config = ConfigDict(extra="allow")

    items: list[Record]
    total: int


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether this process should receive traffic, and why not."""

    model_config = ConfigDict(extra="allow")

    ready: bool

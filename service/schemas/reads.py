"""Response models of the health reads: liveness and readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas.values import Timestamp


class Health(BaseModel):
    status: Literal["ok"]


class HaltOut(BaseModel):
    """Why a projection stopped: the event it cannot apply."""

    position: int
    event_type: str
    error: str
    since: Timestamp


class ProjectionReadiness(BaseModel):
    """One projection: where it is, how far behind the log, and whether that is within limits."""

    position: int
    lag_events: int
    lag_seconds: float | None = Field(description="null while the projection is halted.")
    ok: bool
    halted: HaltOut | None


class Readiness(BaseModel):
    """Whether this process should receive traffic, and why not. A database that cannot be
    reached gives only `ready` and `reason`."""

    ready: bool
    log_position: int | None = None
    schema_revision: str | None = None
    schema_head: str | None = None
    projections: dict[str, ProjectionReadiness] | None = Field(
        default=None, description="By projection name."
    )
    reason: str | None = None

"""What an orchestrator needs to know: database reachable, schema at head, projection lag."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from projections import schema
from projections.runtime import all_projections
from projections.tables import tracking
from registry.application import LeaderRegistry
from registry.log import notifications_after
from registry.settings import Settings


def lag_seconds(registry: LeaderRegistry, position: int, now: datetime) -> float:
    """How long the oldest event after `position` has waited (0 when there is none)."""
    behind = notifications_after(registry.recorder, position, 1)
    if not behind:
        return 0.0
    oldest: datetime = cast(Any, registry.mapper.to_domain_event(behind[0])).timestamp
    return max((now - oldest).total_seconds(), 0.0)


def readiness(
    settings: Settings, registry: LeaderRegistry, engine: Engine, now: datetime
) -> dict[str, Any]:
    """A report with `ready` true only if every check passes."""
    head = int(registry.recorder.max_notification_id() or 0)
    try:
        with engine.connect() as conn:
            positions = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
        revision = schema.current_revision(engine)
    except SQLAlchemyError as error:
        return {"ready": False, "reason": f"read-model database: {type(error).__name__}"}
    projections = {}
    ready = revision == schema.head_revision()
    for p in all_projections():
        position = int(positions.get(p.name, 0))
        lag = head - position
        seconds = lag_seconds(registry, position, now)
        ok = lag <= settings.ready_max_lag_events and seconds <= settings.ready_max_lag_seconds
        ready = ready and ok
        projections[p.name] = {
            "position": position,
            "lag_events": lag,
            "lag_seconds": round(seconds, 3),
            "ok": ok,
        }
    return {
        "ready": ready,
        "log_position": head,
        "schema_revision": revision,
        "schema_head": schema.head_revision(),
        "projections": projections,
    }

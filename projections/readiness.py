"""What an orchestrator needs to know: databases reachable, schema at head, projections
running and within lag limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, select

from projections import halts, schema
from projections.outages import unavailable
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
    """A report with `ready` true only if every check passes; an unreachable database
    makes it not ready, naming which."""
    # The read models first: their engine fails at once when the server is down, where the
    # event store's pool waits for a connection (up to its connect timeout).
    try:
        with engine.connect() as conn:
            positions = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
            halted = halts.load(conn)
        revision = schema.current_revision(engine)
    except Exception as error:
        if not unavailable(error):
            raise
        return {"ready": False, "reason": f"read-model database: {type(error).__name__}"}
    try:
        head = int(registry.recorder.max_notification_id() or 0)
        return _report(settings, registry, now, head, positions, halted, revision)
    except Exception as error:
        if not unavailable(error):
            raise
        return {"ready": False, "reason": f"event store: {type(error).__name__}"}


def _report(
    settings: Settings,
    registry: LeaderRegistry,
    now: datetime,
    head: int,
    positions: dict[str, int],
    halted: dict[str, halts.Halt],
    revision: str | None,
) -> dict[str, Any]:
    projections = {}
    ready = revision == schema.head_revision()
    for p in all_projections():
        position = int(positions.get(p.name, 0))
        halt = halted.get(p.name)
        lag = head - position
        # A halted projection's next event may be the one nothing can decode.
        seconds = None if halt is not None else lag_seconds(registry, position, now)
        ok = (
            halt is None
            and lag <= settings.ready_max_lag_events
            and seconds is not None
            and seconds <= settings.ready_max_lag_seconds
        )
        ready = ready and ok
        projections[p.name] = {
            "position": position,
            "lag_events": lag,
            "lag_seconds": None if seconds is None else round(seconds, 3),
            "ok": ok,
            "halted": None if halt is None else halt.describe(),
        }
    report: dict[str, Any] = {
        "ready": ready,
        "log_position": head,
        "schema_revision": revision,
        "schema_head": schema.head_revision(),
        "projections": projections,
    }
    if halted:
        report["reason"] = "; ".join(
            f"projection {h.projection} halted at position {h.position} ({h.event_type}): {h.error}"
            for h in halted.values()
        )
    return report

"""The read side's Prometheus metrics: what the follower applied, and at scrape time, where
each projection stands against the log and how old the last signed checkpoint is."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import psycopg
from eventsourcing.persistence import PersistenceError
from prometheus_client import CollectorRegistry, Counter, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from projections import halts
from projections.audit import tree_size
from projections.readiness import lag_seconds
from projections.tables import audit_checkpoints, tracking
from registry.application import LeaderRegistry

log = logging.getLogger(__name__)
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


def registries() -> tuple[CollectorRegistry, CollectorRegistry | None]:
    """A new registry to expose, and the one counters register in: the same, or None when
    `PROMETHEUS_MULTIPROC_DIR` is set (counters then live in that directory's files, shared
    by every process that has it, and the exposed registry reads them all)."""
    exposed = CollectorRegistry()
    if not os.environ.get(MULTIPROCESS):
        return exposed, exposed
    MultiProcessCollector(exposed)  # type: ignore[no-untyped-call]
    return exposed, None


class ProjectionCounters:
    """Counts the events each projection applied and the errors it raised (a
    `FollowerObserver`), in the process that runs the follower."""

    def __init__(self, registry: CollectorRegistry | None, names: Sequence[str]) -> None:
        self.applied_events = Counter(
            "registry_projection_applied_events",
            "Events applied by the projection (in this process)",
            ["projection"],
            registry=registry,
        )
        self.errors = Counter(
            "registry_projection_errors",
            "Errors the projection raised while applying an event (in this process)",
            ["projection"],
            registry=registry,
        )
        for name in names:  # every projection shows, at 0 before its first event
            self.applied_events.labels(name)
            self.errors.labels(name)

    def applied(self, projection: str, events: int) -> None:
        if events:
            self.applied_events.labels(projection).inc(events)

    def failed(self, projection: str) -> None:
        self.errors.labels(projection).inc()


@dataclass(frozen=True)
class Sources:
    """What a scrape reads: the application (log head, clock) and the read-model engine."""

    registry: LeaderRegistry
    engine: Engine
    names: Sequence[str]


class ReadSideCollector(Collector):
    """Gauges read from the databases at every scrape (no state kept in this process, so
    every process answers the same)."""

    def __init__(self, sources: Callable[[], Sources | None]) -> None:
        self.sources = sources

    def collect(self) -> Iterable[Metric]:
        found = self.sources()
        if found is None:  # the service is not started yet
            return []
        up = GaugeMetricFamily(
            "registry_database_up", "1 if this scrape could read the event store and read models"
        )
        try:
            metrics = list(self._read(found))
        except (SQLAlchemyError, PersistenceError, psycopg.Error) as error:
            log.warning("metrics: the databases could not be read: %s", error)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *metrics]

    def _read(self, found: Sources) -> Iterable[Metric]:
        registry = found.registry
        now = registry.now()
        head = int(registry.recorder.max_notification_id() or 0)
        c = audit_checkpoints.c
        with found.engine.connect() as conn:
            positions = dict(conn.execute(select(tracking.c.projection, tracking.c.position)).all())
            halted = set(halts.load(conn))
            size = tree_size(conn)
            signed = conn.execute(select(func.max(c.created_at), func.max(c.tree_size))).one()
        log_head = GaugeMetricFamily("registry_log_position", "Position of the log's last event")
        log_head.add_metric([], head)
        labels = ["projection"]
        position = GaugeMetricFamily(
            "registry_projection_position",
            "Last log position the projection applied",
            labels=labels,
        )
        lag = GaugeMetricFamily(
            "registry_projection_lag_events",
            "Events in the log the projection has not applied",
            labels=labels,
        )
        seconds = GaugeMetricFamily(
            "registry_projection_lag_seconds",
            "Age of the oldest event the projection has not applied",
            labels=labels,
        )
        stopped = GaugeMetricFamily(
            "registry_projection_halted", "1 if the projection stopped on an event", labels=labels
        )
        waited: dict[int, float] = {}  # projections at one position share one look-up
        for name in found.names:
            at = int(positions.get(name, 0))
            if name in halted:
                wait = float("nan")  # its next event may be the one nothing can decode
            elif at not in waited:
                wait = waited[at] = lag_seconds(registry, at, now)
            else:
                wait = waited[at]
            position.add_metric([name], at)
            lag.add_metric([name], max(head - at, 0))
            seconds.add_metric([name], wait)
            stopped.add_metric([name], 1 if name in halted else 0)
        tree = GaugeMetricFamily("registry_audit_tree_size", "Leaves in the audit tree")
        tree.add_metric([], size)
        yield from (log_head, position, lag, seconds, stopped, tree)
        last_signed, signed_size = signed
        if last_signed is not None:  # absent until the first checkpoint is signed
            age = GaugeMetricFamily(
                "registry_audit_checkpoint_age_seconds", "Time since the last signed checkpoint"
            )
            age.add_metric([], max((now - last_signed).total_seconds(), 0.0))
            checkpoint = GaugeMetricFamily(
                "registry_audit_checkpoint_tree_size", "Tree size of the largest signed checkpoint"
            )
            checkpoint.add_metric([], int(signed_size))
            yield from (age, checkpoint)


def serve_counters(port: int, host: str, names: Sequence[str]) -> ProjectionCounters:
    """The projection worker's counters, served at http://HOST:PORT/metrics."""
    exposed, own = registries()
    counters = ProjectionCounters(own, names)
    start_http_server(port, addr=host, registry=exposed)
    return counters

"""The projection worker process: one active writer per database, the others standing by.

On PostgreSQL the active worker holds a session advisory lock; if it dies, the server
releases the lock with its connection and a standby takes over. It follows the log
by LISTEN/NOTIFY (the event store notifies on every append) with a poll as a backstop.
The tracking compare-and-set still guarantees exactly-once if two ever overlap.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

from projections.audit.signed_checkpoints import Checkpointer
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower, FollowerObserver, TrackingConflict
from projections.machinery.outages import Pacer, unavailable
from projections.running.leadership import leadership
from projections.running.metrics import serve_counters
from projections.running.read_side import all_projections, expire_due
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.startup import freeze_startup_objects

log = logging.getLogger(__name__)
LOCK_KEY = 0x6C72_7072  # "lrpr": one lock for the registry's projections


def follow(
    settings: Settings,
    registry: LeaderRegistry,
    stop: threading.Event,
    pacer: Pacer | None = None,
    observer: FollowerObserver | None = None,
) -> None:
    """Run as the active worker until stopped (or until the database fails: raised)."""
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        registry.use_vault_on(engine, settings)
        with leadership(settings, stop, LOCK_KEY, "worker") as conn:
            if stop.is_set():
                return
            follower = Follower(registry, engine, all_projections())
            follower.observer = observer
            if conn is not None:
                conn.execute(f'LISTEN "{registry.recorder.channel_name}"')  # type: ignore[attr-defined]
            next_sweep = 0.0
            interval = settings.audit_checkpoint_interval
            checkpoints = Checkpointer(engine, settings.audit_signer(), interval)
            while not stop.is_set():
                checkpoints.when_due(registry.now())  # only the active worker signs
                if time.monotonic() >= next_sweep:  # only the active worker sweeps
                    expire_due(engine, registry, registry.now())
                    registry.erase_expired_personal_data()
                    next_sweep = time.monotonic() + settings.sweep_interval
                try:
                    follower.catch_up()
                except TrackingConflict:
                    log.warning("tracking moved under this worker; reloading positions")
                    follower = Follower(registry, engine, all_projections())
                    follower.observer = observer
                    continue
                if pacer is not None:
                    pacer.succeeded()  # caught up: whatever failed before works again
                if conn is not None:
                    for _ in conn.notifies(timeout=settings.poll_interval, stop_after=1):
                        pass
                else:
                    stop.wait(settings.poll_interval)
    finally:
        engine.dispose()


def main() -> None:
    """Entry point of `leader-registry project`: follow until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # A projection's own errors halt only it, inside the follower. Anything else (a
    # restarted or unreachable database, whichever library says so, a deadlock victim, a
    # bug outside the handlers) is logged once and the worker starts over, standing by
    # again: it never exits but when asked to.
    observer = None
    if settings.worker_metrics_port:
        names = [p.name for p in all_projections()]
        observer = serve_counters(settings.worker_metrics_port, settings.host, names)
    freeze_startup_objects()
    pacer = Pacer("projection worker", log, first=1.0, most=10.0)
    registry: LeaderRegistry | None = None
    try:
        while not stop.is_set():
            try:
                registry = registry or LeaderRegistry(env=settings.event_store_env())
                follow(settings, registry, stop, pacer, observer)
            except Exception as error:  # noqa: BLE001 - logged by the pacer; started over
                if unavailable(error) and registry is not None:
                    # The event store's pool may hold a connection per worker thread that
                    # the server dropped, each failing once: start with a fresh pool.
                    registry.close()
                    registry = None
                stop.wait(pacer.failed(error))
    finally:
        if registry is not None:
            registry.close()


if __name__ == "__main__":
    main()

"""Where the dispatcher runs: its own process on PostgreSQL (`leader-registry webhooks`, one
active, the others standing by on an advisory lock, like the projection worker), or a thread
of the API process on SQLite (`ReadSide`, with `REGISTRY_RUN_WEBHOOKS`)."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from types import FrameType

from projections.machinery import schema
from projections.machinery.engines import async_engine, sync_engine
from projections.machinery.outages import Pacer, unavailable
from projections.running.leadership import leadership
from projections.webhooks.delivery import Sender, new_client
from projections.webhooks.dispatcher import Dispatcher
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.startup import freeze_startup_objects

log = logging.getLogger(__name__)
LOCK_KEY = 0x6C72_7768  # "lrwh": one active webhook dispatcher per database


async def _dispatch(settings: Settings, registry: LeaderRegistry, stop: threading.Event) -> None:
    engine = async_engine(settings)
    client = new_client(settings.webhook_timeout, settings.webhook_concurrency)
    sender = Sender(client, settings.webhook_key(), settings.webhook_allow_private)
    try:
        await Dispatcher(engine, registry, sender).run(stop, settings.poll_interval)
    finally:
        await client.close()
        await engine.dispose()


def dispatch(settings: Settings, registry: LeaderRegistry, stop: threading.Event) -> None:
    """Deliver as the active dispatcher until stopped (or until the database fails: raised)."""
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        registry.use_webhook_secrets_on(engine, settings)
        with leadership(settings, stop, LOCK_KEY, "webhooks") as _conn:
            if not stop.is_set():
                asyncio.run(_dispatch(settings, registry, stop))
    finally:
        engine.dispose()


def keep_dispatching(
    settings: Settings, stop: threading.Event, registry: LeaderRegistry | None = None
) -> None:
    """Dispatch until stopped, starting over after any failure (logged once by the pacer).
    Without `registry`, one is made (and made again after an outage)."""
    pacer = Pacer("webhook dispatcher", log, first=1.0, most=10.0)
    own = registry is None
    try:
        while not stop.is_set():
            try:
                registry = registry or LeaderRegistry(env=settings.event_store_env())
                dispatch(settings, registry, stop)
                pacer.succeeded()
            except Exception as error:  # noqa: BLE001 - logged by the pacer; started over
                if own and unavailable(error) and registry is not None:
                    registry.close()
                    registry = None
                stop.wait(pacer.failed(error))
    finally:
        if own and registry is not None:
            registry.close()


def main() -> None:
    """Entry point of `leader-registry webhooks`: dispatch until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    settings.webhook_key()  # a malformed key fails here, before any delivery
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    freeze_startup_objects()
    keep_dispatching(settings, stop)


if __name__ == "__main__":
    main()

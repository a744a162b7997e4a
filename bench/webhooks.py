"""The webhooks phase: how many signed deliveries a second the dispatcher makes to a local
receiver (target: at least 1,000/s).

`--webhook-events` public events (categories defined), projected; `--webhook-subscriptions`
subscriptions, each to every event from position 0; then the dispatcher process
(`python -m projections.running.webhooks`) and a minimal local receiver
(`bench/webhook_receiver.py`) are started, and the delivery log is counted: the rate is the
deliveries between the first one logged and the last, over that time (the process's start-up
is not counted). Each delivery is signed (v1 and v1a), posted, and logged with its
subscription's cursor in one transaction.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bench.context import Bench, log
from bench.procs import free_port, python
from domain.values import Actor, Role
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.tables import webhook_deliveries
from registry.application import LeaderRegistry
from registry.cases.access import OPERATOR
from registry.webhook_signing import WebhookKey

BANK = Actor(Role.SUBSCRIBER.value, "bench bank")


def step_webhooks(bench: Bench) -> None:
    a = bench.args
    events, subscriptions = a.webhook_events, a.webhook_subscriptions
    settings = bench.settings.model_copy(
        update={"webhook_allow_http": True, "webhook_allow_private": True}
    )
    engine = sync_engine(settings)
    schema.upgrade(engine, settings)
    registry = LeaderRegistry(env=settings.event_store_env())
    registry.use_webhook_secrets_on(engine, settings)
    port = free_port()
    try:
        log(f"webhooks: {events:,} events, {subscriptions} subscriptions")
        first = int(registry.recorder.max_notification_id() or 0)
        for n in range(events):
            code = f"W{n}"
            registry.define_category(OPERATOR, code=code, name_zh=f"类{n}", name_en=f"Kind {n}")
        for _ in range(subscriptions):
            url = f"http://127.0.0.1:{port}/hook"
            registry.register_subscription(BANK, url=url, filters={}, after=first)
        Follower(registry, engine, all_projections()).catch_up()
        receiver = bench.procs.start(
            "webhook-receiver", python("-m", "bench.webhook_receiver", str(port)), bench.env
        )
        env = dict(
            bench.env,
            REGISTRY_WEBHOOK_ALLOW_HTTP="true",
            REGISTRY_WEBHOOK_ALLOW_PRIVATE="true",
            REGISTRY_WEBHOOK_SIGNING_KEY=WebhookKey.generate().text,
            REGISTRY_POLL_INTERVAL="0.05",
        )
        dispatcher = bench.procs.start(
            "webhook-dispatcher", python("-m", "projections.running.webhooks"), env
        )
        bench.rss.watch("webhook_dispatcher", dispatcher)
        total = events * subscriptions
        count = select(func.count()).select_from(webhook_deliveries)
        deadline = time.monotonic() + max(120.0, total / 100)
        started_at, at_start, done = 0.0, 0, 0
        while done < total:
            assert dispatcher.alive(), dispatcher.tail()
            assert time.monotonic() < deadline, f"{done:,}/{total:,} delivered in time"
            with engine.connect() as conn:
                done = int(conn.scalar(count) or 0)
            if done and not started_at:
                started_at, at_start = time.monotonic(), done
            time.sleep(0.05)
        seconds = time.monotonic() - started_at
        rate = (done - at_start) / seconds if seconds > 0 else 0.0
        bench.results["webhooks"] = {
            "events": events,
            "subscriptions": subscriptions,
            "deliveries": done,
            "seconds": round(seconds, 2),
            "deliveries_per_s": round(rate),
        }
        log(f"webhooks: {done:,} deliveries, {rate:,.0f}/s")
        bench.procs.stop(dispatcher)
        bench.rss.forget("webhook_dispatcher")
        bench.procs.stop(receiver)
    finally:
        registry.close()
        engine.dispose()

"""Write throughput with the audit projection on and off: `python -m bench.audit`.

Each run uses a fresh database: on PostgreSQL (a throw-away database on the server named by
REGISTRY_TEST_POSTGRES_URL or --postgres) or, without one, SQLite in a temporary directory.
THREADS clients issue single-event commands (declarations) for SECONDS while a projection
follower runs in a process of its own (as the production worker does), with every
projection, or with all but `audit`. It prints events written per second and how long the
projections took to catch up afterwards.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from multiprocessing.synchronize import Event as EventType

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from domain.credit_code import make_credit_code
from domain.values import Actor, Enterprise, Product
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from registry.application import LeaderRegistry
from registry.settings import Settings

PLATFORM = Actor("platform", "bench")


@contextmanager
def database(postgres: str | None) -> Iterator[Settings]:
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            yield Settings(database_url=f"sqlite:///{tmp}/registry.sqlite3")
        return
    url = make_url(postgres)
    name = f"registry_bench_{uuid.uuid4().hex[:12]}"
    info = psycopg.conninfo.make_conninfo(
        "", host=url.host, port=url.port, user=url.username, dbname=url.database
    )
    with psycopg.connect(info, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield Settings(database_url=url.set(database=name).render_as_string(False))
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def follower(database_url: str, audit: bool) -> Follower:
    settings = Settings(database_url=database_url)
    registry = LeaderRegistry(env=settings.event_store_env())
    projections = [p for p in all_projections() if audit or p.name != "audit"]
    return Follower(registry, sync_engine(settings), projections)


def follow(database_url: str, audit: bool, stop: EventType) -> None:
    """The projection worker's loop, in a process of its own as in production."""
    worker = follower(database_url, audit)
    while not stop.is_set():
        if not worker.run_once():
            time.sleep(0.01)


def run(settings: Settings, audit: bool, threads: int, seconds: float) -> tuple[int, float, float]:
    """(events written, events per second, seconds the projections needed to catch up)."""
    registry = LeaderRegistry(env=settings.event_store_env(), commit_batch=settings.commit_batch)
    engine = sync_engine(settings)
    schema.upgrade(engine, settings)
    engine.dispose()
    stop, numbers = threading.Event(), itertools.count(1)
    spawn = multiprocessing.get_context("spawn")
    stop_worker = spawn.Event()
    worker = spawn.Process(target=follow, args=(settings.database_url, audit, stop_worker))
    worker.start()

    def write() -> None:
        while not stop.is_set():
            n = next(numbers)
            registry.declare(
                PLATFORM,
                enterprise=Enterprise(make_credit_code("91", "120000", n), f"Maker {n}", "120000"),
                standard_number=f"Q/B {n:06d}-2025",
                title="Bench",
                product=Product("Refrigerator", f"B-{n}", "C3851"),
                indicators={"eei": Decimal(50)},
                disclosed_on=date(2025, 1, 1),
            )

    writers = [threading.Thread(target=write) for _ in range(threads)]
    started = time.monotonic()
    for w in writers:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in writers:
        w.join()
    elapsed = time.monotonic() - started
    stop_worker.set()
    worker.join()
    head = int(registry.recorder.max_notification_id() or 0)
    caught = time.monotonic()
    rest = follower(settings.database_url, audit)
    rest.catch_up()
    lag = time.monotonic() - caught
    rest.engine.dispose()
    registry.close()
    return head, head / elapsed, lag


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("REGISTRY_TEST_POSTGRES_URL"))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per mode")
    args = parser.parse_args()
    store = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{store}, {args.threads} writer threads, {args.seconds:g} s per run")
    print(f"{'audit':<6} {'events':>8} {'events/s':>10} {'catch-up s':>11}")
    rates: dict[bool, list[float]] = {False: [], True: []}
    for _, audit in itertools.product(range(args.rounds), (False, True)):
        with database(args.postgres) as settings:
            events, rate, lag = run(settings, audit, args.threads, args.seconds)
        rates[audit].append(rate)
        print(f"{'on' if audit else 'off':<6} {events:>8,} {rate:>10,.0f} {lag:>11.2f}")
    off, on = (sum(rates[m]) / len(rates[m]) for m in (False, True))
    print(f"mean events/s: off {off:,.0f}, on {on:,.0f} ({(on - off) / off:+.1%} with audit)")


if __name__ == "__main__":
    main()

"""The operator's commands on the store: sweep, migrate, project, rebuild."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from cli.common import fail, open_registry
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.switchover import SwitchBlocked
from projections.running import worker
from projections.running.read_side import ReadSide
from projections.running.rebuild import Progress, rebuild
from registry.base import utc_now
from registry.settings import Settings


def cmd_sweep(settings: Settings, args: argparse.Namespace) -> int:
    with open_registry(settings) as registry:
        read_side = ReadSide(settings, registry)
        try:
            schema.upgrade(read_side.writer, settings)
            erased = registry.erase_expired_personal_data()
            expired = read_side.sweep(utc_now())
        finally:
            asyncio.run(read_side.close())
    print(f"expired {expired} title(s); erased {erased} report(s)' personal data")
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Create the event store's tables and bring the read models to head (both idempotent)."""
    with open_registry(settings.model_copy(update={"create_event_tables": True})):
        print("event store tables present")
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        print(f"read models at revision {schema.current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def cmd_project(settings: Settings, args: argparse.Namespace) -> int:
    worker.main()
    return 0


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    """Rebuild one projection from the log while the live tables keep serving reads."""

    def show(p: Progress) -> None:
        print(
            f"\r{args.name}: {p.done:,}/{p.total:,} events, {p.rate:,.0f}/s, "
            f"{p.seconds_left:,.0f} s left",
            end="",
            file=sys.stderr,
            flush=True,
        )

    with open_registry(settings) as registry:
        try:
            position = rebuild(settings, registry, args.name, show)
        except SwitchBlocked as error:
            print(file=sys.stderr)  # end the progress line
            fail(f"{args.name}: {error}")
            return 1
    print(f"\n{args.name} rebuilt to position {position} and switched over", file=sys.stderr)
    return 0


def add_store_commands(commands: Any) -> None:
    """`sweep`, `migrate`, `project` and `rebuild`, for `cli.main.build_parser`."""
    sweep = commands.add_parser(
        "sweep",
        help="record the expiry of titles whose validity ended; erase the personal data of "
        "reports past the retention period",
    )
    sweep.set_defaults(handler=cmd_sweep)
    migrate = commands.add_parser("migrate", help="bring the read models to the current schema")
    migrate.set_defaults(handler=cmd_migrate)
    project = commands.add_parser("project", help="run the projection worker until stopped")
    project.set_defaults(handler=cmd_project)
    rebuild_ = commands.add_parser("rebuild", help="rebuild one projection from the event log")
    rebuild_.add_argument(
        "name",
        choices=[
            "records",
            "candidacies",
            "history",
            "credentials",
            "audit",
            "status_history",
            "enterprises",
            "search",
            "subscriptions",
        ],
    )
    rebuild_.set_defaults(handler=cmd_rebuild)

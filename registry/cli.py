"""The `leader-registry` command: serve the API, manage credentials, load the demo, sweep.

Configuration comes from REGISTRY_* environment variables (see `registry.settings`).
User mistakes (a bad role, a non-empty store for the demo, an unknown body) print one
line to stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError

from domain import ids
from domain.errors import DomainError, NotFound
from domain.limits import MAX_EXPIRY_DAYS
from domain.values import Role
from registry import audit_cli
from registry.application import LeaderRegistry
from registry.base import utc_now
from registry.settings import Settings

PROG = "leader-registry"
USER_ERROR = 2
ISSUABLE = [r.value for r in Role if r is not Role.SYSTEM]


class ConfigurationError(Exception):
    """The REGISTRY_* configuration cannot be used."""


def _fail(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


@contextmanager
def _registry(settings: Settings) -> Iterator[LeaderRegistry]:
    """The application over the configured event store, closed afterwards."""
    try:
        env = settings.event_store_env()
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    registry = LeaderRegistry(env=env)
    try:
        yield registry
    finally:
        registry.close()


def _is_empty(registry: LeaderRegistry) -> bool:
    return not registry.recorder.max_notification_id()


# serve --------------------------------------------------------------------------------------
def _print_demo_tokens(summary: dict[str, Any], base_url: str) -> None:
    from registry.demo import DEMO_BODY

    tokens = summary["tokens"]
    body = tokens["bodies"][DEMO_BODY]
    counts = summary["counts"]
    print(
        f"Demo data loaded: {counts['bodies']} evaluation bodies, "
        f"{counts['enterprises']} enterprises, {counts['schemes']} schemes, "
        f"{counts['candidacies']} candidacies, {counts['active_leaders']} current leaders, "
        f"{counts['events']} events.\n"
        "Demo bearer tokens (shown once; use as `Authorization: Bearer TOKEN`):\n"
        f"  admin           {tokens['admin']}\n"
        f"  evaluation body {body['token']}\n"
        f"                  ({body['name']}, id {body['id']})\n"
        f"  regulator       {tokens['regulator']}\n"
        f"  platform        {tokens['platform']}\n"
        f"Try: curl '{base_url}/v1/leaders?category=C3851'",
        flush=True,
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    # The app factory reads its own Settings: let it see the same host and port.
    os.environ["REGISTRY_HOST"], os.environ["REGISTRY_PORT"] = host, str(port)
    if args.demo:
        audit_cli.demo_key(settings)  # the app factory reads the key file's path from os.environ
        with _registry(settings) as registry:
            if _is_empty(registry):
                from registry.demo import load_demo

                summary = load_demo(registry, now=utc_now())
                _print_demo_tokens(summary, f"http://{host}:{port}")
            else:
                print("The event store already holds events; --demo loads nothing.", flush=True)

    import uvicorn

    uvicorn.run("service.app:app_factory", factory=True, host=host, port=port, workers=args.workers)
    return 0


# credentials ----------------------------------------------------------------------------------
def _body_id(registry: LeaderRegistry, subject: str) -> str:
    """A registered evaluation body's id, given its id or its name."""
    try:
        candidate = UUID(subject)
    except ValueError:
        candidate = ids.body_id(subject)
    if not registry.exists(candidate):
        raise NotFound(f"no evaluation body with the id or name {subject!r}", field="subject")
    return str(candidate)


def cmd_credentials_create(settings: Settings, args: argparse.Namespace) -> int:
    from registry.cases.access import OPERATOR

    subject = args.subject
    with _registry(settings) as registry:
        if args.role == Role.EVALUATION_BODY.value:
            subject = _body_id(registry, subject)
        expires_at = None
        if args.expires_in_days is not None:
            expires_at = registry.now() + timedelta(days=args.expires_in_days)
        issued = registry.issue_credential(
            OPERATOR, role=args.role, subject=subject, label=args.label, expires_at=expires_at
        )
    print(f"credential: {issued['id']}")
    if expires_at is not None:
        print(f"expires: {expires_at.isoformat(timespec='seconds')}")
    print(f"token: {issued['token']}")
    print("The token is shown only this once; store it now.", file=sys.stderr)
    return 0


def cmd_credentials_rotate(settings: Settings, args: argparse.Namespace) -> int:
    from registry.cases.access import OPERATOR

    with _registry(settings) as registry:
        issued = registry.rotate_credential(OPERATOR, args.id)
    print(f"credential: {issued['id']}")
    print(f"replaces: {args.id}")
    print(f"token: {issued['token']}")
    print(
        "The token is shown only this once; store it now. The old token no longer works.",
        file=sys.stderr,
    )
    return 0


def cmd_credentials_revoke(settings: Settings, args: argparse.Namespace) -> int:
    from registry.cases.access import OPERATOR

    with _registry(settings) as registry:
        registry.revoke_credential(OPERATOR, args.id)
    print(f"revoked: {args.id}")
    return 0


def cmd_credentials_publish_grants(settings: Settings, args: argparse.Namespace) -> int:
    from registry.cases.access import OPERATOR

    with _registry(settings) as registry:
        published = registry.publish_grants(OPERATOR)
    print(f"published grants: {published}")
    return 0


def _caught_up_read_models(settings: Settings, registry: LeaderRegistry) -> None:
    """Bring the read models to the end of the log (a running server may be doing the same:
    the tracking compare-and-set keeps each event applied once)."""
    from projections import schema
    from projections.engines import sync_engine
    from projections.follower import Follower, TrackingConflict
    from projections.runtime import all_projections

    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        for _ in range(10):
            try:
                Follower(registry, engine, all_projections()).catch_up()
                return
            except TrackingConflict:
                continue  # another follower moved first: reload its positions and go on
    finally:
        engine.dispose()


async def _all_credentials(settings: Settings, **filters: Any) -> list[dict[str, Any]]:
    from projections import queries
    from projections.engines import async_engine

    engine = async_engine(settings)
    items: list[dict[str, Any]] = []
    try:
        async with engine.connect() as conn:
            while True:
                page = await queries.list_credentials(
                    conn, now=utc_now(), limit=200, offset=len(items), **filters
                )
                items.extend(page["items"])
                if not page["items"] or len(items) >= page["total"]:
                    return items
    finally:
        await engine.dispose()


def _minute(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "-"


def cmd_credentials_list(settings: Settings, args: argparse.Namespace) -> int:
    """One line per credential, newest first; never a token (none is stored)."""
    with _registry(settings) as registry:
        _caught_up_read_models(settings, registry)
    filters = {"role": args.role, "subject": args.subject, "include_revoked": args.all}
    items = asyncio.run(_all_credentials(settings, **filters))
    if not items:
        print("no credentials", file=sys.stderr)
        return 0
    rows = [("ID", "ROLE", "SUBJECT", "LABEL", "CREATED (UTC)", "EXPIRES", "LAST USED", "STATUS")]
    for item in items:
        status = item["status"]
        if item["replaced_by"]:
            status += f", replaced by {item['replaced_by']}"
        rows.append(
            (
                item["id"],
                item["role"],
                item["subject"],
                item["label"] or "-",
                _minute(item["created_at"]),
                _minute(item["expires_at"]),
                _minute(item["last_used_at"]),
                status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


# demo, sweep, migrate, project --------------------------------------------------------------------
def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from registry.demo import load_demo

    with _registry(settings) as registry:
        summary = load_demo(registry, now=utc_now())
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def cmd_sweep(settings: Settings, args: argparse.Namespace) -> int:
    from projections.runtime import ReadSide

    with _registry(settings) as registry:
        read_side = ReadSide(settings, registry)
        try:
            expired = read_side.sweep(utc_now())
        finally:
            asyncio.run(read_side.close())
    print(f"expired {expired} title(s)")
    return 0


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Create the event store's tables and bring the read models to head (both idempotent)."""
    from projections import schema
    from projections.engines import sync_engine

    with _registry(settings.model_copy(update={"create_event_tables": True})):
        print("event store tables present")
    engine = sync_engine(settings)
    try:
        schema.upgrade(engine, settings)
        print(f"read models at revision {schema.current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def cmd_project(settings: Settings, args: argparse.Namespace) -> int:
    from projections import worker

    worker.main()
    return 0


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    """Rebuild one projection from the log while the live tables keep serving reads."""
    from projections.rebuild import Progress, rebuild
    from projections.switchover import SwitchBlocked

    def show(p: Progress) -> None:
        print(
            f"\r{args.name}: {p.done:,}/{p.total:,} events, {p.rate:,.0f}/s, "
            f"{p.seconds_left:,.0f} s left",
            end="",
            file=sys.stderr,
            flush=True,
        )

    with _registry(settings) as registry:
        try:
            position = rebuild(settings, registry, args.name, show)
        except SwitchBlocked as error:
            print(file=sys.stderr)  # end the progress line
            _fail(f"{args.name}: {error}")
            return 1
    print(f"\n{args.name} rebuilt to position {position} and switched over", file=sys.stderr)
    return 0


# import ---------------------------------------------------------------------------------------
def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    """Bulk-import the national platform's declarations; rejects go to FILE.rejects."""
    from registry.importer import import_file, read_lines

    read_lines(args.file, args.format)  # a missing file or bad format fails before connecting
    with _registry(settings) as registry:
        summary = import_file(
            registry,
            args.file,
            fmt=args.format,
            batch=args.batch,
            workers=args.workers,
            show_progress=True,
        )
    rejected = len(summary.rejected)
    print(
        f"imported {summary.imported:,}, skipped {summary.skipped:,} existing, "
        f"rejected {rejected:,} of {summary.records:,} records "
        f"in {summary.seconds:,.1f} s ({summary.rate:,.0f} records/s)"
    )
    if rejected:
        print(f"rejected lines and reasons: {args.file}.rejects", file=sys.stderr)
    return 1 if rejected else 0


# parsing --------------------------------------------------------------------------------------
def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _whole(text: str) -> int:
    """A whole number in ASCII digits (int() alone would also take "１２" or "1_2")."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _expiry_days(text: str) -> int:
    value = _whole(text)
    if not 1 <= value <= MAX_EXPIRY_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EXPIRY_DAYS}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Registry of the enterprise standard leader programme (企业标准“领跑者”).",
        epilog="Configuration: REGISTRY_* environment variables (see README.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", help="interface to bind (default: REGISTRY_HOST)")
    serve.add_argument("--port", type=int, help="port to bind (default: REGISTRY_PORT)")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo data first if the store is empty"
    )
    serve.add_argument("--workers", type=_positive, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=cmd_serve)

    credentials = commands.add_parser("credentials", help="manage bearer credentials")
    actions = credentials.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="issue a credential and print its token once")
    create.add_argument(
        "--role", required=True, help=f"one of: {', '.join(ISSUABLE)}", metavar="ROLE"
    )
    create.add_argument(
        "--subject",
        required=True,
        help="who the credential speaks for: a credit code (enterprise), a body id or "
        "registered name (evaluation_body), or any name (admin, regulator, platform)",
    )
    create.add_argument("--label", default="", help="a note for administrators")
    create.add_argument(
        "--expires-in-days",
        type=_expiry_days,
        metavar="N",
        help="the token stops working N days from now (default: it does not expire)",
    )
    create.set_defaults(handler=cmd_credentials_create)
    listing = actions.add_parser(
        "list", help="list credentials: role, subject, label, status, times (never tokens)"
    )
    listing.add_argument("--role", choices=ISSUABLE, help="only this role")
    listing.add_argument("--subject", help="only this subject")
    listing.add_argument(
        "--all", action="store_true", help="include revoked (and rotated) credentials"
    )
    listing.set_defaults(handler=cmd_credentials_list)
    rotate = actions.add_parser(
        "rotate", help="replace a credential by a new one, print the new token once"
    )
    rotate.add_argument("id", help="the credential's id")
    rotate.set_defaults(handler=cmd_credentials_rotate)
    revoke = actions.add_parser("revoke", help="revoke a credential; its token stops working")
    revoke.add_argument("id", help="the credential's id")
    revoke.set_defaults(handler=cmd_credentials_revoke)
    grants = actions.add_parser(
        "publish-grants",
        help="make public who may act as whom for credentials issued before that was recorded",
    )
    grants.set_defaults(handler=cmd_credentials_publish_grants)

    demo = commands.add_parser("demo", help="load the demo dataset into an empty store")
    demo.set_defaults(handler=cmd_demo)
    sweep = commands.add_parser("sweep", help="record the expiry of titles whose validity ended")
    sweep.set_defaults(handler=cmd_sweep)
    migrate = commands.add_parser("migrate", help="bring the read models to the current schema")
    migrate.set_defaults(handler=cmd_migrate)
    project = commands.add_parser("project", help="run the projection worker until stopped")
    project.set_defaults(handler=cmd_project)
    rebuild = commands.add_parser("rebuild", help="rebuild one projection from the event log")
    rebuild.add_argument(
        "name", choices=["records", "candidacies", "history", "credentials", "audit"]
    )
    rebuild.set_defaults(handler=cmd_rebuild)
    audit_cli.add_commands(commands)
    importing = commands.add_parser(
        "import", help="bulk-import the national platform's declarations (CSV or JSON Lines)"
    )
    importing.add_argument("file", help="the file to import; rejects go to FILE.rejects")
    importing.add_argument(
        "--format", choices=["csv", "jsonl"], help="default: csv for *.csv, else jsonl"
    )
    importing.add_argument(
        "--batch", type=_positive, default=1000, help="declarations per transaction"
    )
    importing.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes that validate records besides this one, which appends them "
        "(default 0: validate here, overlapping with the appends)",
    )
    importing.set_defaults(handler=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse's usage errors and --help
        return exit_.code if isinstance(exit_.code, int) else USER_ERROR
    handler: Callable[[Settings, argparse.Namespace], int] = args.handler
    try:
        settings = Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        _fail(f"invalid configuration REGISTRY_{where.upper()}: {problem['msg']}")
        return USER_ERROR
    try:
        return handler(settings, args)
    except ConfigurationError as error:
        _fail(f"invalid configuration: {error}")
    except DomainError as error:
        _fail(error.message)
    except PersistenceError as error:
        _fail(f"the event store failed: {error}")
        return 1
    return USER_ERROR


if __name__ == "__main__":
    sys.exit(main())

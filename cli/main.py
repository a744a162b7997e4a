"""The `leader-registry` command: the parser and the dispatch to each command group.

Configuration comes from REGISTRY_* environment variables (see `registry.settings`).
User mistakes (a bad role, a non-empty store for the demo, an unknown body) print one
line to stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError

from cli import audit, credentials, operations, reports, serve, webhooks
from cli.common import PROG, USER_ERROR, ConfigurationError, fail
from cli.importing import command as importing
from domain.errors import DomainError
from registry.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Registry of the enterprise standard leader programme (企业标准“领跑者”).",
        epilog="Configuration: REGISTRY_* environment variables (see README.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.add_serve(commands)
    credentials.add_commands(commands)
    serve.add_demo(commands)
    operations.add_store_commands(commands)
    audit.add_commands(commands)
    reports.add_commands(commands)
    webhooks.add_commands(commands)
    importing.add_import(commands)
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
        fail(f"invalid configuration REGISTRY_{where.upper()}: {problem['msg']}")
        return USER_ERROR
    try:
        return handler(settings, args)
    except ConfigurationError as error:
        fail(f"invalid configuration: {error}")
    except DomainError as error:
        fail(error.message)
    except PersistenceError as error:
        fail(f"the event store failed: {error}")
        return 1
    return USER_ERROR


if __name__ == "__main__":
    sys.exit(main())

"""`leader-registry reports erase`: destroy a report's key, erasing its personal data."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import open_registry, read_models
from registry.cases.access import OPERATOR
from registry.settings import Settings


def cmd_erase(settings: Settings, args: argparse.Namespace) -> int:
    """Erase one report's personal data (contact details, private text) on request."""
    engine = read_models(settings)
    try:
        with open_registry(settings) as registry:
            registry.use_vault_on(engine, settings)
            receipt = registry.erase_report_personal_data(
                OPERATOR, args.report_id, reason=args.reason
            )
    finally:
        engine.dispose()
    print(f"erased the personal data of report {receipt['id']} (position {receipt['position']})")
    return 0


def add_commands(commands: Any) -> None:
    """`reports erase`, for `cli.main.build_parser`."""
    reports = commands.add_parser("reports", help="public reports' personal data")
    actions = reports.add_subparsers(dest="action", required=True, metavar="ACTION")
    erase = actions.add_parser(
        "erase",
        help="destroy a report's key: its contact details and private text become unreadable",
    )
    erase.add_argument("report_id", help="the report's receipt")
    erase.add_argument("--reason", required=True, help="why (recorded with the erasure)")
    erase.set_defaults(handler=cmd_erase)

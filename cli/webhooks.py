"""The `webhooks` command: run the webhook dispatcher, or make its signing key."""

from __future__ import annotations

import argparse
from typing import Any

from projections.running import webhooks
from registry.settings import Settings
from registry.webhook_signing import WebhookKey


def cmd_webhooks(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "key":
        key = WebhookKey.generate()
        print(f"REGISTRY_WEBHOOK_SIGNING_KEY={key.text}")
        print(f"# public key (published at /v1/webhooks/public-key): {key.public_key}")
        return 0
    webhooks.main()
    return 0


def add_commands(commands: Any) -> None:
    """`webhooks [run|key]`, for `cli.main.build_parser`."""
    parser = commands.add_parser(
        "webhooks",
        help="run the webhook dispatcher until stopped (on PostgreSQL: one active, others "
        "standing by); `webhooks key` prints a new signing key",
    )
    parser.add_argument("action", nargs="?", choices=["run", "key"], default="run")
    parser.set_defaults(handler=cmd_webhooks)

"""The `credentials` commands: issue, list, rotate and revoke bearer credentials."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from typing import Any
from uuid import UUID

from cli.common import caught_up_read_models, open_registry, whole
from domain import ids
from domain.errors import NotFound
from domain.limits import MAX_EXPIRY_DAYS
from domain.values import Role
from projections import credential_queries
from projections.machinery.engines import async_engine
from registry.application import LeaderRegistry
from registry.base import utc_now
from registry.cases.access import OPERATOR
from registry.settings import Settings

ISSUABLE = [r.value for r in Role if r is not Role.SYSTEM]


def _body_id(registry: LeaderRegistry, subject: str) -> str:
    """A registered evaluation body's id, given its id or its name."""
    try:
        candidate = UUID(subject)
    except ValueError:
        candidate = ids.body_id(subject)
    if not registry.exists(candidate):
        raise NotFound(f"no evaluation body with the id or name {subject!r}", field="subject")
    return str(candidate)


def cmd_create(settings: Settings, args: argparse.Namespace) -> int:
    subject = args.subject
    with open_registry(settings) as registry:
        if args.role == Role.EVALUATION_BODY.value:
            subject = _body_id(registry, subject)
        expires_at = None
        if args.expires_in_days is not None:
            expires_at = registry.now() + timedelta(days=args.expires_in_days)
        issued = registry.issue_credential(
            OPERATOR,
            role=args.role,
            subject=subject,
            label=args.label,
            expires_at=expires_at,
            region=args.region,
        )
    print(f"credential: {issued['id']}")
    if expires_at is not None:
        print(f"expires: {expires_at.isoformat(timespec='seconds')}")
    print(f"token: {issued['token']}")
    print("The token is shown only this once; store it now.", file=sys.stderr)
    return 0


def cmd_rotate(settings: Settings, args: argparse.Namespace) -> int:
    with open_registry(settings) as registry:
        issued = registry.rotate_credential(OPERATOR, args.id)
    print(f"credential: {issued['id']}")
    print(f"replaces: {args.id}")
    print(f"token: {issued['token']}")
    print(
        "The token is shown only this once; store it now. The old token no longer works.",
        file=sys.stderr,
    )
    return 0


def cmd_revoke(settings: Settings, args: argparse.Namespace) -> int:
    with open_registry(settings) as registry:
        registry.revoke_credential(OPERATOR, args.id)
    print(f"revoked: {args.id}")
    return 0


def cmd_publish_grants(settings: Settings, args: argparse.Namespace) -> int:
    with open_registry(settings) as registry:
        published = registry.publish_grants(OPERATOR)
    print(f"published grants: {published}")
    return 0


async def _all_credentials(settings: Settings, **filters: Any) -> list[dict[str, Any]]:
    engine = async_engine(settings)
    items: list[dict[str, Any]] = []
    try:
        async with engine.connect() as conn:
            while True:
                page = await credential_queries.list_credentials(
                    conn, now=utc_now(), limit=200, offset=len(items), **filters
                )
                items.extend(page["items"])
                if not page["items"] or len(items) >= page["total"]:
                    return items
    finally:
        await engine.dispose()


def _minute(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "-"


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    """One line per credential, newest first; never a token (none is stored)."""
    with open_registry(settings) as registry:
        caught_up_read_models(settings, registry)
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


def _expiry_days(text: str) -> int:
    value = whole(text)
    if not 1 <= value <= MAX_EXPIRY_DAYS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EXPIRY_DAYS}")
    return value


def add_commands(commands: Any) -> None:
    """The `credentials` command group, for `cli.main.build_parser`."""
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
    create.add_argument(
        "--region",
        default="",
        metavar="CODE",
        help="a regulator's jurisdiction: a 6-digit division code (default: 000000, national)",
    )
    create.set_defaults(handler=cmd_create)
    listing = actions.add_parser(
        "list", help="list credentials: role, subject, label, status, times (never tokens)"
    )
    listing.add_argument("--role", choices=ISSUABLE, help="only this role")
    listing.add_argument("--subject", help="only this subject")
    listing.add_argument(
        "--all", action="store_true", help="include revoked (and rotated) credentials"
    )
    listing.set_defaults(handler=cmd_list)
    rotate = actions.add_parser(
        "rotate", help="replace a credential by a new one, print the new token once"
    )
    rotate.add_argument("id", help="the credential's id")
    rotate.set_defaults(handler=cmd_rotate)
    revoke = actions.add_parser("revoke", help="revoke a credential; its token stops working")
    revoke.add_argument("id", help="the credential's id")
    revoke.set_defaults(handler=cmd_revoke)
    grants = actions.add_parser(
        "publish-grants",
        help="make public who may act as whom for credentials issued before that was recorded",
    )
    grants.set_defaults(handler=cmd_publish_grants)

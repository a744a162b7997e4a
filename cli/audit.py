"""The `audit` and `verify` commands: signing keys, checkpoints, the export, verification."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cli.audit_sources import SourceUnusable, load_checkpoints, load_keys, log_source
from cli.common import caught_up_read_models, open_registry, read_models, refuse
from projections.audit.export import export_line, log_events
from projections.audit.signed_checkpoints import Checkpointer, key_record, register_key
from projections.audit.verify_export import current_notes, verify_export
from projections.audit.verify_store import Report, verify_store
from projections.tables import audit_keys
from registry.base import utc_now
from registry.settings import Settings
from registry.signed_notes import Signer

DEFAULT_ORIGIN = "leader-registry.local/audit"


def _unusable_out(out: str | None) -> str | None:
    """Why the private key cannot go to `out` (an existing file, no such directory), if so."""
    if not out:
        return None
    path = Path(out)
    if path.exists() or path.is_symlink():
        return f"{out} exists: a new key goes to a new file"
    if not path.parent.is_dir():
        return f"no directory {path.parent} for {out}"
    return None


def _write_key(signer: Signer, out: str | None) -> None:
    """The private key to a new file readable by its owner only, or to stdout."""
    if out:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(signer.skey + "\n")
        print(f"private key written to {out} (set REGISTRY_AUDIT_SIGNING_KEY_FILE={out})")
    else:
        print(f"REGISTRY_AUDIT_SIGNING_KEY={signer.skey}", flush=True)
    print(f"public key (publish it): {signer.verifier.vkey}")
    print("Keep the private key in the server's configuration only.", file=sys.stderr)


def cmd_keys_create(settings: Settings, args: argparse.Namespace) -> int:
    if problem := _unusable_out(args.out):
        return refuse(problem)
    _write_key(Signer.generate(args.name or DEFAULT_ORIGIN), args.out)
    return 0


def cmd_keys_rotate(settings: Settings, args: argparse.Namespace) -> int:
    """A new key, written out first and then published as the current one (a published key
    whose private half was lost would leave nothing able to sign); the old ones stay
    published, retired at the tree's present size."""
    if problem := _unusable_out(args.out):  # before anything is made or published
        return refuse(problem)
    current = settings.audit_signer()
    signer = Signer.generate(args.name or (current.name if current else DEFAULT_ORIGIN))
    try:
        _write_key(signer, args.out)
    except OSError as error:  # e.g. the file appeared meanwhile: nothing was published
        return refuse(f"the new key could not be written ({error}); nothing was published")
    engine = read_models(settings)
    try:
        with engine.begin() as conn:
            register_key(conn, signer.verifier, utc_now())
    finally:
        engine.dispose()
    print("Restart the server with the new key; checkpoints it signed before still verify.")
    return 0


def cmd_keys_list(settings: Settings, args: argparse.Namespace) -> int:
    engine = read_models(settings)
    try:
        with engine.connect() as conn:
            for row in conn.execute(select(audit_keys).order_by(audit_keys.c.created_at)):
                key = key_record(row)
                limit = key["retired_tree_size"]
                until = "" if limit is None else f"  (vouches for trees up to {limit} leaves)"
                columns = (key["key_id"], f"{key['status']:<7}", key["created_at"], key["vkey"])
                print("  ".join(columns) + until)
    finally:
        engine.dispose()
    return 0


def cmd_checkpoint(settings: Settings, args: argparse.Namespace) -> int:
    """Bring the tree to the end of the log, then sign it."""
    with open_registry(settings) as registry:
        caught_up_read_models(settings, registry)
    engine = read_models(settings)
    try:
        checkpoint = Checkpointer(engine, settings.audit_signer(), 0).sign(utc_now())
    finally:
        engine.dispose()
    print(checkpoint["note"], end="")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    """The whole event log as export lines (docs/audit.md)."""
    out = open(args.out, "wb") if args.out else sys.stdout.buffer  # noqa: SIM115
    try:
        with open_registry(settings) as registry:
            for position, event in log_events(registry):
                out.write(export_line(event, position) + b"\n")
    finally:
        if args.out:
            out.close()
    return 0


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    if args.export and not args.checkpoints:
        return refuse("--export needs --checkpoints (a file or a URL)")
    report = _verify_offline(args) if args.export else _verify_online(settings)
    for note in report.notes:
        print(note)
    if report.ok:
        print(f"verified: {report.leaves} leaves against {report.checkpoints} checkpoint(s)")
        if not report.checkpoints and report.leaves:
            # Nothing signed to compare with: a rewritten log with a rebuilt tree looks the
            # same. Check against checkpoints kept elsewhere (--export ... --checkpoints).
            print("warning: no signed checkpoint to check the tree against", file=sys.stderr)
        return 0
    for problem in report.problems:
        print(f"FAILED: {problem}")
    if report.position is not None:
        print(f"first position that does not match: {report.position}")
    return 1


def _verify_online(settings: Settings) -> Report:
    engine = read_models(settings)
    try:
        with open_registry(settings) as registry:
            return verify_store(registry, engine)
    finally:
        engine.dispose()


def _verify_offline(args: argparse.Namespace) -> Report:
    keys = load_keys(args.keys or args.checkpoints)
    older = Report()
    notes = current_notes(load_checkpoints(args.checkpoints), older)
    try:
        lines = Path(args.export).open("rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise SourceUnusable(f"cannot read {args.export}: {error.strerror}") from None
    with lines:
        report = verify_export(lines, notes, keys, log_source(args.checkpoints))
    report.notes[:0] = older.notes
    return report


def add_commands(commands: Any) -> None:
    """The `audit` command group and `verify`, for `cli.main.build_parser`."""
    audit = commands.add_parser("audit", help="the verifiable log: keys, checkpoints, export")
    actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    keys = actions.add_parser("keys", help="checkpoint signing keys")
    key_actions = keys.add_subparsers(dest="keys_action", required=True, metavar="ACTION")
    for name, handler, text in (
        ("create", cmd_keys_create, "make a signing key (not published until used)"),
        ("rotate", cmd_keys_rotate, "make a signing key and publish it as the current one"),
    ):
        parser = key_actions.add_parser(name, help=text)
        parser.add_argument("--name", help=f"the log's origin (default: {DEFAULT_ORIGIN})")
        parser.add_argument("--out", help="write the private key to this new file")
        parser.set_defaults(handler=handler)
    key_actions.add_parser("list", help="the published keys").set_defaults(handler=cmd_keys_list)
    checkpoint = actions.add_parser("checkpoint", help="sign a checkpoint of the log now")
    checkpoint.set_defaults(handler=cmd_checkpoint)
    export = actions.add_parser("export", help="write the event log as JSON Lines leaves")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export)

    verify = commands.add_parser(
        "verify", help="check the event store (or an export) against the signed checkpoints"
    )
    verify.add_argument("--export", help="an exported log to check offline (JSON Lines)")
    verify.add_argument(
        "--checkpoints", help="with --export: checkpoints as a JSON file or the API's base URL"
    )
    verify.add_argument("--keys", help="public keys as a file or base URL (default: --checkpoints)")
    verify.set_defaults(handler=cmd_verify)


def demo_key(settings: Settings) -> None:
    """For `serve --demo` without a configured key: use (making it once) a key file beside
    the store, so that the demo signs checkpoints and signed lists."""
    if settings.audit_signer() is not None:
        return
    store = settings.event_store_env().get("SQLITE_DBNAME", "data/registry.sqlite3")
    path = Path(store).parent / "audit-signing.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(Signer.generate(DEFAULT_ORIGIN).skey + "\n")
        print(f"Demo checkpoint signing key created: {path}", flush=True)
    os.environ["REGISTRY_AUDIT_SIGNING_KEY_FILE"] = str(path)

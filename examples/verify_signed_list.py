"""Check, offline and without the registry's code, that a downloaded list is what it signed.

    python verify_signed_list.py LIST_FILE STATEMENT_FILE --vkey NAME+HASH+KEY
                                 [--checkpoint CHECKPOINT_FILE]

LIST_FILE is the list exactly as downloaded (e.g. `curl -o leaders.csv
'BASE/v1/schemes/ID/signed-list?list=leaders&format=csv'`), STATEMENT_FILE its signed
statement (`curl -o leaders.csv.sig 'BASE/v1/schemes/ID/signed-list.sig?list=leaders&format=csv'`,
or the base64-decoded `Registry-List-Statement` header of the download), and VKEY the
registry's public key (from `GET /v1/audit/keys`, obtained out of band). Needs only Python
3.11+ and `cryptography`. It checks the statement's Ed25519 signature (C2SP signed note) and
that the SHA-256 of the file's bytes is the statement's `content-sha256`, then prints what
the statement says: scheme, list, media type, time, log position and tree. With
--checkpoint (the checkpoint's note, same key) it also checks that the statement names that
checkpoint's tree size and root. Exit status: 0 verified, 1 not verified, 2 a usage error.
The formats are described in the registry's docs/audit.md.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT_PREFIX = "leader-registry signed list v"
Key = tuple[str, bytes, bytes]  # name, 4-byte key hash, 32-byte public key


class Failed(Exception):
    """The list or its statement does not verify."""


def usage(message: str) -> SystemExit:
    """Exit status 2 with one line on stderr (a mistake in the command, not in the list)."""
    print(f"usage error: {message}", file=sys.stderr)
    return SystemExit(2)


def parse_vkey(vkey: str) -> Key:
    """(name, key hash, Ed25519 public key) of a C2SP verifier key NAME+HASH+BASE64."""
    try:
        name, key_hash, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise usage(f"{vkey!r} is not a verifier key NAME+HASH+KEY") from None
    if len(raw) != 33 or raw[0] != 0x01:
        raise usage("the verifier key is not an Ed25519 key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != key_hash:
        raise usage("the verifier key's hash does not match its key")
    return name, expected, raw[1:]


def open_note(note: str, keys: list[Key], what: str) -> str:
    """The note's body (ending in a newline), if one of `keys` signed it."""
    body, sep, signatures = note.rpartition("\n\n")
    if not sep:
        raise Failed(f"the {what} is not a signed note")
    body += "\n"
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3:
            continue
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except (ValueError, binascii.Error):
            continue
        for name, key_hash, public in keys:
            if (parts[1], raw[:4]) == (name, key_hash):
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], body.encode())
                except InvalidSignature:
                    continue
                return body
    raise Failed(f"no trusted key signed the {what}")


def statement_fields(body: str) -> dict[str, str]:
    """The statement's `key value` lines, after its format line."""
    lines = body.rstrip("\n").split("\n")
    if not lines[0].startswith(FORMAT_PREFIX):
        raise Failed("the statement is not a signed list statement")
    return dict(line.split(" ", 1) for line in lines[1:] if " " in line)


def verify(content: bytes, statement: str, keys: list[Key], checkpoint: str | None) -> str:
    """What the statement says about `content`, once every check passed."""
    fields = statement_fields(open_note(statement, keys, "statement"))
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    if fields.get("content-sha256") != digest:
        raise Failed("the file's SHA-256 is not the statement's content-sha256 (changed bytes?)")
    if checkpoint is not None:
        lines = open_note(checkpoint, keys, "checkpoint").split("\n")
        if lines[1:3] != [fields.get("tree-size"), fields.get("root-hash")]:
            raise Failed("the statement names another tree than the checkpoint")
    return (
        f"scheme {fields.get('scheme')}, list {fields.get('list')} "
        f"({fields.get('media-type')}), taken at {fields.get('taken-at')}, "
        f"log position {fields.get('log-position')}, tree size {fields.get('tree-size')}, "
        f"root {fields.get('root-hash')}"
    )


def read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise usage(f"cannot read the {what} {path}: {e.strerror}") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("list_file")
    parser.add_argument("statement_file")
    parser.add_argument("--vkey", action="append", required=True, help="a trusted key")
    parser.add_argument("--checkpoint", help="the checkpoint note the statement names")
    args = parser.parse_args()
    keys = [parse_vkey(v) for v in args.vkey]
    content = read(args.list_file, "list")
    try:
        statement = read(args.statement_file, "statement").decode("utf-8")
        checkpoint = None
        if args.checkpoint:
            checkpoint = read(args.checkpoint, "checkpoint").decode("utf-8")
        print("OK: " + verify(content, statement, keys, checkpoint))
    except (Failed, UnicodeDecodeError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

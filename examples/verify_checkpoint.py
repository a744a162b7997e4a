"""Check, without the registry's code, that an event is in the registry's signed log.

    python verify_checkpoint.py BASE_URL POSITION [--vkey NAME+HASH+KEY | --vkey-file FILE]

Needs only Python 3.11+ and `cryptography` (pip install cryptography). It fetches the latest
checkpoint, checks its Ed25519 signature (with the key given by --vkey or --vkey-file,
obtained out of band, or else the keys the registry publishes: a retired one only for trees
up to its `retired_tree_size`), fetches the event at POSITION from the export and its
inclusion proof, and checks the proof against the signed root with the algorithm of
RFC 9162 §2.1.3.2. The formats are described in the registry's docs/audit.md. Any mistake
(a bad URL, key or position, an unreadable file) ends with one line on stderr and status 1.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

Key = tuple[str, bytes, bytes, int | None]  # name, key hash, public key, largest tree or None


class Failed(Exception):
    """What went wrong, in one line for the user."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, not the usage text
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def get(base: str, path: str, **query: object) -> bytes:
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:  # the registry's problem+json says what is wrong
        try:
            detail = json.loads(error.read())["detail"]
        except (ValueError, KeyError, TypeError):
            detail = error.reason
        raise Failed(f"{url}: {error.code} {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Failed(f"cannot read {url}: {reason}") from None


def get_json(base: str, path: str, **query: object) -> Any:
    try:
        return json.loads(get(base, path, **query))
    except ValueError:
        raise Failed(f"{base}{path} did not answer JSON: is {base} the registry?") from None


def parse_vkey(vkey: str, retired_tree_size: int | None = None) -> Key:
    """(name, 4-byte key hash, 32-byte Ed25519 public key, limit) of a C2SP verifier key."""
    try:
        name, key_hash, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise Failed(f"not a verifier key (NAME+HASH+BASE64): {vkey.strip()[:60]!r}") from None
    if len(raw) != 33 or raw[0] != 0x01:
        raise Failed("not an Ed25519 verifier key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != key_hash:
        raise Failed("the verifier key's hash does not match the key")
    return name, expected, raw[1:], retired_tree_size


def published_keys(base: str) -> list[Key]:
    """The registry's keys; a retired key vouches only for trees up to its retirement."""
    keys = []
    for k in get_json(base, "/v1/audit/keys"):
        limit = None if k["status"] == "current" else int(k.get("retired_tree_size") or 0)
        keys.append(parse_vkey(k["vkey"], limit))
    return keys


def open_note(note: str, keys: list[Key]) -> str:
    """The note's body, if one of `keys` signed it (C2SP signed-note)."""
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        _dash, name, encoded = [*line.split(" "), "", ""][:3]
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            continue
        for key_name, key_hash, public, _limit in keys:
            if (name, raw[:4]) == (key_name, key_hash):
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], body.encode())
                    return body
                except InvalidSignature:
                    pass
    raise Failed("no trusted key signed the checkpoint")


def check_retirement(note: str, size: int, keys: list[Key]) -> None:
    """A retired key's signature holds only for the trees up to its retirement."""
    try:
        open_note(note, [k for k in keys if k[3] is None or size <= k[3]])
    except Failed:
        raise Failed(f"the checkpoint of {size} leaves is signed by a retired key") from None


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def read_vkey_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as error:
        raise Failed(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


def position_arg(text: str) -> int:
    """An event's position: a whole number from 1."""
    try:
        position = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if position < 1:
        raise argparse.ArgumentTypeError("positions start at 1")
    return position


def verify(base: str, position: int, keys: list[Key]) -> None:
    note = get_json(base, "/v1/audit/checkpoints/latest")["note"]
    lines = open_note(note, keys).split("\n")
    try:
        origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise Failed("the checkpoint is not ORIGIN, SIZE and ROOT HASH") from None
    check_retirement(note, size, keys)
    print(f"checkpoint: {origin}, {size} leaves, root {root.hex()} (signature verified)")

    line = get(base, "/v1/audit/export", after=position - 1, limit=1).split(b"\n")[0]
    event = json.loads(line) if line else {}
    if event.get("position") != position:
        raise Failed(f"no event at position {position} in the export (past the log's end?)")
    leaf = hashlib.sha256(b"\x00" + line).digest()
    proof = get_json(base, "/v1/audit/proofs/inclusion", position=position, tree_size=size)
    path = [base64.b64decode(h) for h in proof["audit_path"]]
    if not verify_inclusion(leaf, proof["leaf_index"], size, path, root):
        raise Failed(f"the event at position {position} is not in the signed tree")
    what = f"private, {event['type']}" if event.get("private") else event["type"]
    print(f"event {position} ({what}) is leaf {proof['leaf_index']}: included")


def main() -> int:
    parser = Parser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("base_url", help="the registry's API, e.g. http://127.0.0.1:8000")
    parser.add_argument("position", type=position_arg, help="an event's position in the log")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--vkey", help="the log's public key (default: the published ones)")
    given.add_argument("--vkey-file", help="a file holding the log's public key")
    args = parser.parse_args()
    base = args.base_url
    try:
        if not base.startswith(("http://", "https://")):
            raise Failed(f"{base!r} is not an http:// or https:// URL")
        if args.vkey or args.vkey_file:
            keys = [parse_vkey(args.vkey or read_vkey_file(args.vkey_file))]
        else:
            keys = published_keys(base)
        verify(base, args.position, keys)
    except Failed as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

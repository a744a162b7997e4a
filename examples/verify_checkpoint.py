"""Check, without the registry's code, that an event is in the registry's signed log.

    python verify_checkpoint.py BASE_URL POSITION [--vkey NAME+HASH+KEY]

Needs only Python 3.11+ and `cryptography` (pip install cryptography). It fetches the latest
checkpoint, checks its Ed25519 signature (with the key given by --vkey, obtained out of band,
or else the keys the registry publishes), fetches the event at POSITION from the export and
its inclusion proof, and checks the proof against the signed root with the algorithm of
RFC 9162 §2.1.3.2. The formats are described in the registry's docs/audit.md.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.parse
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def get(base: str, path: str, **query: object) -> bytes:
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, 4-byte key hash, 32-byte Ed25519 public key) of a C2SP verifier key."""
    name, key_hash, encoded = vkey.strip().split("+", 2)
    raw = base64.b64decode(encoded)
    if raw[0] != 0x01 or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != key_hash:
        raise ValueError("the key hash does not match the key")
    return name, expected, raw[1:]


def open_note(note: str, keys: list[tuple[str, bytes, bytes]]) -> str:
    """The note's body, if one of `keys` signed it (C2SP signed-note)."""
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        _dash, name, encoded = line.split(" ")
        raw = base64.b64decode(encoded)
        for key_name, key_hash, public in keys:
            if (name, raw[:4]) == (key_name, key_hash):
                try:
                    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], body.encode())
                    return body
                except InvalidSignature:
                    pass
    raise SystemExit("FAIL: no trusted key signed the checkpoint")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url", help="the registry's API, e.g. http://127.0.0.1:8000")
    parser.add_argument("position", type=int, help="an event's position in the log")
    parser.add_argument("--vkey", help="the log's public key (default: the published ones)")
    args = parser.parse_args()
    base = args.base_url

    if args.vkey:
        vkeys = [args.vkey]
    else:
        vkeys = [k["vkey"] for k in json.loads(get(base, "/v1/audit/keys"))]
    keys = [parse_vkey(v) for v in vkeys]
    note = json.loads(get(base, "/v1/audit/checkpoints/latest"))["note"]
    origin, size_text, root_b64 = open_note(note, keys).split("\n")[:3]
    size, root = int(size_text), base64.b64decode(root_b64)
    print(f"checkpoint: {origin}, {size} leaves, root {root.hex()} (signature verified)")

    line = get(base, "/v1/audit/export", after=args.position - 1, limit=1).split(b"\n")[0]
    event = json.loads(line)
    if event.get("position") != args.position or "leaf_hash" in event:
        raise SystemExit(f"FAIL: no public event at position {args.position} in the export")
    leaf = hashlib.sha256(b"\x00" + line).digest()
    query = {"position": args.position, "tree_size": size}
    proof = json.loads(get(base, "/v1/audit/proofs/inclusion", **query))
    path = [base64.b64decode(h) for h in proof["audit_path"]]
    if not verify_inclusion(leaf, proof["leaf_index"], size, path, root):
        raise SystemExit(f"FAIL: the event at position {args.position} is not in the signed tree")
    print(f"event {args.position} ({event['type']}) is leaf {proof['leaf_index']}: included")
    return 0


if __name__ == "__main__":
    sys.exit(main())

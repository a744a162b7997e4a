"""Signed notes and checkpoints in the C2SP formats (signed-note, tlog-checkpoint), Ed25519.

A checkpoint's body is three lines: the log's origin, the tree size in decimal, and the root
hash in standard base64. The note is the body, a blank line, and one signature line per key:
`— NAME BASE64(key hash (4 bytes) || Ed25519 signature of the body)`. The key hash is the
first four bytes of SHA-256(NAME || 0x0A || 0x01 || public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain import limits
from domain.errors import InvalidInput

ED25519 = 0x01
DASH = "\u2014"


class NoteError(InvalidInput):
    """A key, note or checkpoint is malformed, or no known key signed it."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not base64") from None


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _check_name(name: str) -> str:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
    problem = limits.text_problem(name, limits.MAX_NAME)  # the published keys' name column
    if problem:
        raise NoteError(f"key name: {problem}")
    return name


@dataclass(frozen=True)
class Verifier:
    """A public key: `vkey` is NAME+HASH+BASE64(0x01 || public key). A retired key vouches
    only for trees of at most `retired_tree_size` leaves (None: a current key)."""

    name: str
    public_key: bytes
    retired_tree_size: int | None = None

    @property
    def key_id(self) -> str:
        return key_hash(self.name, self.public_key).hex()

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id}+{b64(bytes([ED25519]) + self.public_key)}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        name, _, rest = vkey.strip().partition("+")
        key_id, _, encoded = rest.partition("+")
        raw = unb64(encoded, "the public key")
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("the public key is not an Ed25519 key")
        verifier = cls(_check_name(name), raw[1:])
        if verifier.key_id != key_id:
            raise NoteError("the public key does not match its key hash")
        return verifier

    def vouches_for(self, size: int) -> bool:
        """May this key sign a tree of `size` leaves?"""
        return self.retired_tree_size is None or size <= self.retired_tree_size

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key: `skey` is PRIVATE+KEY+NAME+HASH+BASE64(0x01 || 32-byte seed)."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        key = Ed25519PrivateKey.generate()
        return cls(_check_name(name), key.private_bytes_raw())

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signing key reads PRIVATE+KEY+NAME+HASH+KEY")
        raw = unb64(parts[4], "the signing key")
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("the signing key is not an Ed25519 key")
        signer = cls(_check_name(parts[2]), raw[1:])
        if signer.verifier.key_id != parts[3]:
            raise NoteError("the signing key does not match its key hash")
        return signer

    @property
    def skey(self) -> str:
        encoded = b64(bytes([ED25519]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id}+{encoded}"

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return Verifier(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def __repr__(self) -> str:  # never show the seed in logs or tracebacks
        return f"Signer(name={self.name!r}, key_id={self.verifier.key_id!r})"


def sign_note(body: str, signer: Signer) -> str:
    """The signed note: the body (ending in a newline), a blank line, one signature line."""
    if not body.endswith("\n") or "\n\n" in body:
        raise NoteError("a note's body ends with a newline and has no blank line")
    raw = key_hash(signer.name, signer.verifier.public_key) + signer.sign(body.encode())
    return f"{body}\n{DASH} {signer.name} {b64(raw)}\n"


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """The note's body and the known keys whose signature on it is valid (at least one)."""
    body, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("not a signed note")
    body += "\n"
    valid = []
    for line in signatures[:-1].split("\n"):
        dash, name, encoded = [*line.split(" "), "", ""][:3]
        raw = unb64(encoded, "a signature")
        if dash != DASH or len(raw) < 5:
            raise NoteError("a malformed signature line")
        for v in verifiers:
            known = v.name == name and key_hash(name, v.public_key) == raw[:4]
            if known and v.verify(body.encode(), raw[4:]):
                valid.append(v)
    if not valid:
        raise NoteError("no known key signed this note")
    return body, valid


@dataclass(frozen=True)
class Checkpoint:
    """A tree size and root hash, as the log named `origin` committed to them."""

    origin: str
    size: int
    root: bytes

    @property
    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        size = lines[1] if len(lines) >= 4 else ""
        if not (size.isascii() and size.isdigit()) or size != str(int(size)):
            raise NoteError("a checkpoint reads ORIGIN, SIZE and ROOT HASH, one per line")
        root = unb64(lines[2], "the root hash")
        if len(root) != 32:
            raise NoteError("the root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root)


def open_checkpoint(note: str, verifiers: list[Verifier]) -> tuple[Checkpoint, list[Verifier]]:
    """A checkpoint whose signature by one of `verifiers` is valid, by a key that could sign
    a tree of its size (a retired key: only up to the tree it retired at)."""
    body, valid = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(body)
    allowed = [v for v in valid if v.vouches_for(checkpoint.size)]
    if not allowed:
        limit = max(v.retired_tree_size or 0 for v in valid)
        raise NoteError(
            f"the checkpoint of {checkpoint.size} leaves is signed by key {valid[0].key_id}, "
            f"retired at a tree of {limit} leaves: it cannot vouch for a larger tree"
        )
    return checkpoint, allowed

"""Sealing a report's personal data under a key of its own (crypto-shredding, rule 15)."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.report import PersonalData

SEAL_VERSION = "v1"  # AES-256-GCM, a 96-bit random nonce, base64url(nonce || ciphertext)
NONCE_BYTES = 12
FIELDS = frozenset({"name", "phone", "email", "private"})


class Unsealable(Exception):
    """The sealed text is malformed or not sealed under this key."""


def new_key() -> bytes:
    """A fresh 256-bit key, one per report."""
    return AESGCM.generate_key(bit_length=256)


def seal(data: PersonalData, key: bytes, *, bound_to: str) -> str:
    """The ciphertext of `data`, bound to `bound_to` (its report's fingerprint) so that a
    sealed text copied to another report does not open there."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(asdict(data), ensure_ascii=False, sort_keys=True).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, bound_to.encode())
    return f"{SEAL_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(text: str, key: bytes, *, bound_to: str) -> PersonalData:
    """The personal data `text` seals (Unsealable if it is not sealed under `key`)."""
    version, _, body = text.partition(":")
    if version != SEAL_VERSION:
        raise Unsealable(f"unknown seal version {version!r}")
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode())
    except (ValueError, InvalidTag):
        raise Unsealable("the sealed text does not open with this key") from None
    fields = json.loads(plain)
    return PersonalData(
        **{k: str(fields.get(k, "")) for k in ("name", "phone", "email", "private")}
    )

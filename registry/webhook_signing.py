"""Signing webhook deliveries per Standard Webhooks: HMAC-SHA256 (`v1`) and Ed25519 (`v1a`).

Both sign the same content, `{webhook-id}.{webhook-timestamp}.{body}`, over the body's
exact bytes. `v1` uses the subscription's secret (`whsec_` + base64); `v1a` the registry's
Ed25519 key (`whsk_` + base64 of its 32-byte seed), whose public key (`whpk_` + base64) is
published at `GET /v1/webhooks/public-key`, so anyone can verify a delivery.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domain.errors import InvalidInput

SIGNING_KEY_PREFIX, PUBLIC_KEY_PREFIX = "whsk_", "whpk_"


class WebhookKeyError(InvalidInput):
    """The configured webhook signing key is malformed."""


def signed_content(webhook_id: str, timestamp: int, body: bytes) -> bytes:
    return f"{webhook_id}.{timestamp}.".encode() + body


def hmac_signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` with a `whsec_` secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, signed_content(webhook_id, timestamp, body), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class WebhookKey:
    """The registry's Ed25519 key for `v1a` signatures."""

    private: Ed25519PrivateKey

    @classmethod
    def parse(cls, text: str) -> WebhookKey:
        """A key from its `whsk_` form (WebhookKeyError if malformed)."""
        if not text.startswith(SIGNING_KEY_PREFIX):
            raise WebhookKeyError(f"a webhook signing key starts with {SIGNING_KEY_PREFIX}")
        try:
            seed = base64.b64decode(text.removeprefix(SIGNING_KEY_PREFIX), validate=True)
        except (binascii.Error, ValueError):
            raise WebhookKeyError("the webhook signing key is not base64") from None
        if len(seed) != 32:
            raise WebhookKeyError("a webhook signing key holds a 32-byte Ed25519 seed")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def generate(cls) -> WebhookKey:
        return cls(Ed25519PrivateKey.generate())

    @property
    def text(self) -> str:
        """The key's `whsk_` form (for `leader-registry webhooks key`)."""
        seed = self.private.private_bytes_raw()
        return SIGNING_KEY_PREFIX + base64.b64encode(seed).decode("ascii")

    @property
    def public_key(self) -> str:
        """The public key, `whpk_` + base64 of its 32 raw bytes."""
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PUBLIC_KEY_PREFIX + base64.b64encode(raw).decode("ascii")

    def signature(self, webhook_id: str, timestamp: int, body: bytes) -> str:
        """`v1a,<base64 Ed25519 signature>`."""
        signed = self.private.sign(signed_content(webhook_id, timestamp, body))
        return "v1a," + base64.b64encode(signed).decode("ascii")


def signature_header(
    secret: str, key: WebhookKey | None, webhook_id: str, timestamp: int, body: bytes
) -> str:
    """The `webhook-signature` header: `v1` and, with a registry key, `v1a`, space-separated."""
    parts = [hmac_signature(secret, webhook_id, timestamp, body)]
    if key is not None:
        parts.append(key.signature(webhook_id, timestamp, body))
    return " ".join(parts)

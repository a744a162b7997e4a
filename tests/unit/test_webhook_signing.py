"""Webhook signatures as Standard Webhooks defines them (checked by its reference library),
the registry's Ed25519 key, and which endpoints are refused."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from standardwebhooks.webhooks import Webhook

from domain.subscription import InvalidSubscription, endpoint_problem
from projections.webhooks.delivery import FIRST, JITTER, LONGEST, backoff, retry_after
from registry.webhook_secrets import new_secret
from registry.webhook_signing import WebhookKey, WebhookKeyError, signature_header
from registry.webhook_targets import check_target, refused

BODY = '{"position":7,"type":"Candidacy.Awarded","data":{"名称":"冰箱"}}'.encode()


def test_v1_is_what_the_reference_library_computes_and_accepts() -> None:
    secret, stamp = new_secret(), int(datetime.now(UTC).timestamp())
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    header = signature_header(secret, None, "sub_7", stamp, BODY)
    expected = Webhook(secret).sign("sub_7", datetime.fromtimestamp(stamp, UTC), BODY)
    assert header == expected
    headers = {"webhook-id": "sub_7", "webhook-timestamp": str(stamp), "webhook-signature": header}
    assert Webhook(secret).verify(BODY, headers)["position"] == 7
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(BODY + b" ", headers)  # the exact bytes, or nothing


def test_v1a_verifies_with_the_published_public_key() -> None:
    key = WebhookKey.parse(WebhookKey.generate().text)  # its text form round-trips
    header = signature_header(new_secret(), key, "sub_7", 1_700_000_000, BODY)
    v1, v1a = header.split(" ")
    assert v1.startswith("v1,") and v1a.startswith("v1a,")
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key[5:]))
    public.verify(base64.b64decode(v1a[4:]), b"sub_7.1700000000." + BODY)


@pytest.mark.parametrize("text", ["", "whsk_", "whsk_!!", "whsk_" + "A" * 10, "abc"])
def test_a_malformed_signing_key_is_refused(text: str) -> None:
    with pytest.raises(WebhookKeyError):
        WebhookKey.parse(text)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_refused(address: str) -> None:
    assert refused(ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(InvalidSubscription, match="non-public"):
        check_target(f"https://{host}/hook", allow_private=False)
    check_target(f"https://{host}/hook", allow_private=True)  # a setting allows them


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_accepted(address: str) -> None:
    assert not refused(ip_address(address))


@pytest.mark.parametrize(
    ("url", "allow_http", "problem"),
    [
        ("https://example.org/hook", False, None),
        ("http://example.org/hook", True, None),
        ("http://example.org/hook", False, "https"),
        ("https://example.org/a b", False, "spaces"),
        ("https://u:p@example.org/", False, "credentials"),
        ("https://example.org/#x", False, "fragment"),
        ("https://example.org:99999/", False, "not a URL"),
        ("https:///nohost", False, "host"),
        ("https://example.org/\u202e", False, "invisible"),
    ],
)
def test_endpoint_rules(url: str, allow_http: bool, problem: str | None) -> None:
    found = endpoint_problem(url, allow_http=allow_http)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    rng = random.Random(7)
    waits = [backoff(n, rng) for n in range(1, 20)]
    assert FIRST * (1 - JITTER) <= waits[0] <= FIRST * (1 + JITTER)
    assert all(w <= LONGEST * (1 + JITTER) for w in waits)
    assert waits[-1] >= LONGEST * (1 - JITTER)
    assert len({backoff(3) for _ in range(20)}) > 1  # jittered


def test_retry_after_in_seconds_or_as_a_date_bounded() -> None:
    now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert retry_after("120", now) == timedelta(seconds=120)
    assert retry_after("Sat, 01 Mar 2025 10:00:00 GMT", now) == timedelta(hours=1)
    assert retry_after("99999999", now) == timedelta(hours=6)
    assert retry_after("9" * 40, now) == timedelta(hours=6)
    assert retry_after("soon", now) is None and retry_after(None, now) is None
    # "Now", a date past or a negative number: a second, never a retry at once.
    assert retry_after("Sat, 01 Mar 2025 08:00:00 GMT", now) == timedelta(seconds=1)
    assert retry_after("0", now) == timedelta(seconds=1)
    assert retry_after("-5", now) == timedelta(seconds=1)

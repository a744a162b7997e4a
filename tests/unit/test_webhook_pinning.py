"""A delivery connects to the address its endpoint was checked at (DNS rebinding), names the
endpoint's host in `Host` and TLS, and never reaches an internal one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from ipaddress import ip_address

import httpx
import pytest

from domain.subscription import InvalidSubscription
from projections.webhooks.delivery import Attempt, Sender
from registry import webhook_targets
from registry.webhook_signing import WebhookKey

NOW = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names and what they resolve to, instead of the network's resolver."""
    table: dict[str, list[str]] = {}
    monkeypatch.setattr(
        webhook_targets, "resolve", lambda host, _port: [ip_address(a) for a in table[host]]
    )
    return table


def test_the_endpoint_is_pinned_to_its_checked_address(dns: dict[str, list[str]]) -> None:
    dns["hooks.bank.example"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert webhook_targets.pinned("https://hooks.bank.example:8443/in?x=1") == (
        "https://93.184.215.14:8443/in?x=1",
        "hooks.bank.example:8443",
    )
    dns["v6.bank.example"] = ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert webhook_targets.pinned("https://v6.bank.example/in")[0] == (
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/in"
    )
    dns["mixed.example"] = ["93.184.215.14", "10.0.0.7"]  # one internal address is enough
    with pytest.raises(InvalidSubscription, match="non-public"):
        webhook_targets.pinned("https://mixed.example/in")


def test_a_delivery_goes_to_the_pinned_address_or_nowhere(dns: dict[str, list[str]]) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async def send(url: str) -> Attempt:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            sender = Sender(client, WebhookKey.generate(), allow_private=False)
            return await sender.send(url, "whsec_" + "A" * 44, "s_1", b"{}", NOW)

    dns["hooks.bank.example"] = ["93.184.215.14"]
    attempt = asyncio.run(send("https://hooks.bank.example/in"))
    assert attempt.delivered
    (request,) = seen
    assert str(request.url) == "https://93.184.215.14/in"
    assert request.headers["host"] == "hooks.bank.example"
    assert request.extensions["sni_hostname"] == "hooks.bank.example"
    assert request.headers["webhook-signature"].count(",") == 2  # v1 and v1a

    dns["hooks.bank.example"] = ["127.0.0.1"]  # re-pointed after registration
    attempt = asyncio.run(send("https://hooks.bank.example/in"))
    assert not attempt.delivered and len(seen) == 1
    assert "non-public" in attempt.error

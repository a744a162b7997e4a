"""A delivery connects to the address its endpoint was checked at (DNS rebinding), names the
endpoint's host in `Host` and TLS, and never reaches an internal one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import ip_address
from typing import Any, cast

import aiohttp
import pytest

from domain.subscription import InvalidSubscription
from projections.webhooks.delivery import Attempt, Sender, new_client
from projections.webhooks.pins import Pins
from registry import webhook_targets
from registry.webhook_signing import WebhookKey

NOW = datetime(2025, 3, 1, tzinfo=UTC)
REDIRECT = (
    b"HTTP/1.1 307 Temporary Redirect\r\nlocation: http://10.0.0.7/\r\ncontent-length: 0\r\n\r\n"
)


class Names(dict[str, list[str]]):
    """Names and what they resolve to, and which names were looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[str] = []

    def resolve(self, host: str, _port: int) -> list[webhook_targets.Address]:
        self.lookups.append(host)
        return [ip_address(a) for a in self[host]]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Names:
    """Instead of the network's resolver."""
    names = Names()
    monkeypatch.setattr(webhook_targets, "resolve", names.resolve)
    return names


def test_the_endpoint_is_pinned_to_its_checked_address(dns: Names) -> None:
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


@dataclass
class NoContent:
    """An answer 204."""

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)

    async def read(self) -> bytes:
        return b""


@dataclass
class Recorder:
    """Stands for the HTTP client: records each request's address and options, answers 204."""

    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @asynccontextmanager
    async def post(self, url: str, **options: Any) -> AsyncIterator[Any]:
        self.seen.append((url, options))
        yield NoContent()


def sender(recorder: Recorder, pins: Pins | None = None) -> Sender:
    client = cast(aiohttp.ClientSession, recorder)
    return Sender(client, WebhookKey.generate(), allow_private=False, pins=pins or Pins())


def send(sender: Sender, url: str) -> Attempt:
    return asyncio.run(sender.send(url, "whsec_" + "A" * 44, "s_1", b"{}", NOW))


def test_a_delivery_goes_to_the_pinned_address_or_nowhere(dns: Names) -> None:
    recorder = Recorder()
    dns["hooks.bank.example"] = ["93.184.215.14"]
    attempt = send(sender(recorder), "https://hooks.bank.example/in")
    assert attempt.delivered
    ((url, options),) = recorder.seen
    assert url == "https://93.184.215.14/in"
    assert options["headers"]["host"] == "hooks.bank.example"
    assert options["server_hostname"] == "hooks.bank.example"
    assert options["allow_redirects"] is False
    assert options["headers"]["webhook-signature"].count(",") == 2  # v1 and v1a

    dns["hooks.bank.example"] = ["127.0.0.1"]  # re-pointed after registration
    attempt = send(sender(recorder), "https://hooks.bank.example/in")
    assert not attempt.delivered and len(recorder.seen) == 1
    assert "non-public" in attempt.error


def test_an_address_is_checked_again_after_a_few_seconds(dns: Names) -> None:
    clock = [0.0]
    pins = Pins(seconds=5.0, clock=lambda: clock[0])
    recorder = Recorder()
    dns["hooks.bank.example"] = ["93.184.215.14"]
    for _ in range(3):
        assert send(sender(recorder, pins), "https://hooks.bank.example/in").delivered
    assert dns.lookups == ["hooks.bank.example"]  # once for the three deliveries

    dns["hooks.bank.example"] = ["10.0.0.7"]  # re-pointed: refused once checked again
    clock[0] = 4.9
    assert send(sender(recorder, pins), "https://hooks.bank.example/in").delivered
    clock[0] = 5.0
    attempt = send(sender(recorder, pins), "https://hooks.bank.example/in")
    assert not attempt.delivered and "non-public" in attempt.error
    assert [url for url, _ in recorder.seen] == ["https://93.184.215.14/in"] * 4


def test_a_real_delivery_connects_to_the_checked_address_naming_the_host(
    dns: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real client: `hooks.bank.example` resolves nowhere but in the table."""
    monkeypatch.setattr(webhook_targets, "refused", lambda _address: False)
    dns["hooks.bank.example"] = ["127.0.0.1"]
    heads: list[bytes] = []

    async def receive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(REDIRECT)
        await writer.drain()
        writer.close()

    async def deliver() -> Attempt:
        server = await asyncio.start_server(receive, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, new_client(5.0, 2) as client:
            found = Sender(client, WebhookKey.generate(), allow_private=False)
            return await found.send(
                f"http://hooks.bank.example:{port}/in", "whsec_" + "A" * 44, "s_1", b"{}", NOW
            )

    attempt = asyncio.run(deliver())
    assert attempt.status_code == 307 and not attempt.delivered
    assert attempt.error == "HTTP 307 (redirects are not followed)"
    (head,) = heads
    assert head.startswith(b"POST /in HTTP/1.1\r\n")
    assert b"\r\nhost: hooks.bank.example:" in head.lower()

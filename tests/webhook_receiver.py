"""A webhook receiver for the tests: a local HTTP server that keeps every delivery's raw
bytes and headers, answers as told, and verifies signatures with `standardwebhooks`."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class Delivery:
    """One request as received: its path, headers (lower-case names) and exact body."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0  # what the receiver answered

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


# What the receiver answers a delivery with: a status and headers.
Answer = Callable[[Delivery], tuple[int, dict[str, str]]]


@dataclass
class Receiver:
    """Every request it got, in order of arrival; `answer` decides each status."""

    port: int = 0
    received: list[Delivery] = field(default_factory=list)
    answer: Answer = lambda _d: (204, {})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str, *, ok_only: bool = True) -> list[Delivery]:
        """What arrived at `path` (only the ones answered 2xx, by default)."""
        with self.lock:
            return [d for d in self.received if d.path == path and (d.ok or not ok_only)]


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        delivery = Delivery(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        status, headers = self.receiver.answer(delivery)
        with self.receiver.lock:
            self.receiver.received.append(replace(delivery, status=status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A receiver listening on a free local port until the block ends."""
    receiver = Receiver()
    handler = type("Handler", (_Handler,), {"receiver": receiver})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def verified(delivery: Delivery, secret: str, public_key: str | None = None) -> dict[str, Any]:
    """The delivery's event, once `standardwebhooks` accepts its HMAC (`v1`) signature and,
    with the registry's public key, cryptography its Ed25519 (`v1a`) one."""
    event: dict[str, Any] = Webhook(secret).verify(delivery.body, delivery.headers)
    if public_key is not None:
        signatures = dict(s.split(",", 1) for s in delivery.headers["webhook-signature"].split())
        signed = (
            f"{delivery.headers['webhook-id']}.{delivery.headers['webhook-timestamp']}.".encode()
            + delivery.body
        )
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("whpk_")))
        key.verify(base64.b64decode(signatures["v1a"]), signed)  # raises if it does not hold
    return event

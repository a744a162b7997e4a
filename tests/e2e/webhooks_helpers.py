"""What the webhook end-to-end tests share: settings, a running dispatcher, a subscriber."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from projections.running.webhooks import keep_dispatching
from registry.settings import Settings
from registry.webhook_signing import WebhookKey
from tests.e2e.api import Api

KEY = WebhookKey.generate()


def webhook_settings(settings: Settings) -> Settings:
    """Local receivers allowed (plain HTTP, loopback), a signing key, a quick poll."""
    return settings.model_copy(
        update={
            "webhook_allow_http": True,
            "webhook_allow_private": True,
            "webhook_signing_key": KEY.text,
            "poll_interval": 0.05,
        }
    )


@contextmanager
def dispatching(api: Api) -> Iterator[None]:
    """The dispatcher at work: in the API process on SQLite (the read side runs it), in a
    thread standing for its own process on PostgreSQL."""
    if not api.settings.is_postgres:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=keep_dispatching, args=(api.settings, stop, api.registry), daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(30)


async def eventually(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll `check` until it answers something true; that answer."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


async def subscriber(api: Api, name: str = "a bank") -> str:
    """A subscriber's token."""
    return str((await api.issue("subscriber", name))["token"])


async def subscribe(api: Api, token: str, url: str, **extra: Any) -> dict[str, Any]:
    """A new subscription (its id and secret)."""
    response = await api.post("/v1/subscriptions", {"url": url, **extra}, token)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def categories(api: Api, *codes: str) -> None:
    """Public events: one `Category.Defined` per code."""
    for code in codes:
        body = {"code": code, "name_zh": f"类别{code}", "name_en": f"Category {code}"}
        response = await api.post("/v1/categories", body, api.admin)
        assert response.status_code == 201, response.text


async def pause() -> None:
    """Let the dispatcher's thread run a little between two polls."""
    await asyncio.sleep(0.02)

"""The service on a real port (uvicorn in a thread) with a story to show: two categories,
22 titles in force awarded on one day, one revoked two days later."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta, timezone

import httpx
import uvicorn
from fastapi import FastAPI

from registry.application import LeaderRegistry
from registry.settings import Settings
from service.app import create_app
from tests.clock import Clock
from tests.worlds import (
    ADMIN,
    CATEGORY,
    ENERGY,
    OTHER_CATEGORY,
    REGULATOR,
    award_cycle,
    build_world,
    register_body,
)

CST = timezone(timedelta(hours=8))
LEADERS = 22  # more than a page (20)


@dataclass
class Live:
    base_url: str
    awarded_on: date  # the day (China time) the titles were awarded
    revoked_enterprise: str  # the name of the enterprise whose title was revoked
    leader_code: str  # the credit code of an enterprise holding one title in force
    leader_id: str  # the candidacy id of that title (its page is /leaders/{leader_id})
    admin: str  # an administrator's bearer token, for tests that write through the API
    registry: LeaderRegistry  # the application, to issue a test its credentials
    suspended_body: str = ""  # a body suspended after a change of its categories (its page)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _suspended_body(registry: LeaderRegistry) -> str:
    """A second body, its categories changed, then suspended: each with its reason."""
    _, body_id = register_body(registry, "Suspended Testing Institute", [CATEGORY])
    registry.change_body_categories(
        ADMIN, body_id, categories=[CATEGORY, OTHER_CATEGORY], reason="scope extended"
    )
    registry.suspend_body(ADMIN, body_id, reason="accreditation lapsed")
    return body_id


def _story(registry: LeaderRegistry, clock: Clock) -> tuple[date, str, str, str]:
    registry.define_category(ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Refrigerators")
    registry.define_category(ADMIN, code=OTHER_CATEGORY, name_zh="家用洗衣机", name_en="Washers")
    world = build_world(registry, clock, LEADERS + 2, line=ENERGY)
    values: list[int | str] = [1 + n for n in range(LEADERS + 2)]
    _, candidacies = award_cycle(world, 2025, values, top_n=LEADERS)
    awarded_on = clock().astimezone(CST).date()
    clock.advance(days=2)
    revoked = next(c for c in candidacies if str(world.get(c).status) == "awarded")
    registry.revoke_title(REGULATOR, revoked, reason="false declaration")
    name = world.get(revoked).enterprise.name
    held = next(c for c in candidacies if str(world.get(c).status) == "awarded")
    return awarded_on, str(name), str(world.get(held).enterprise.credit_code), held


@contextmanager
def served(settings: Settings) -> Iterator[tuple[str, FastAPI, Clock]]:
    """Serve `settings` on a free port until the block ends: its base URL, app and clock."""
    clock = Clock()
    app = create_app(settings.model_copy(update={"poll_interval": 0.05}), clock=clock)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the service did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", app, clock
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def live(settings: Settings) -> Iterator[Live]:
    """Serve `settings` on a free port until the block ends, the story recorded and read."""
    with served(settings) as (base, app, clock):
        registry: LeaderRegistry = app.state.registry
        awarded_on, revoked, leader, leader_id = _story(registry, clock)
        suspended = _suspended_body(registry)
        admin = registry.bootstrap_credential(role="admin", subject="ops", label="browser")
        settle(base, registry)
        yield Live(
            base, awarded_on, revoked, leader, leader_id, admin["token"], registry, suspended
        )


def settle(base: str, registry: LeaderRegistry) -> None:
    """Wait until the read models include every event (the API waits for `min_position`)."""
    position = registry.recorder.max_notification_id() or 0
    response = httpx.get(f"{base}/v1/leaders", params={"min_position": position}, timeout=60)
    assert response.status_code == 200 and "registry-consistency" not in response.headers


def scheme_id(base: str) -> str:
    """The story's scheme (its ranking runs to a second page), as the API lists it."""
    found = httpx.get(f"{base}/v1/schemes", params={"category": CATEGORY}, timeout=30).json()
    return str(found["items"][0]["id"])

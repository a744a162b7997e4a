"""The one HTTP client of the end-to-end tests: the service on a store, and helpers to use it.

`serve` runs the application's lifespan on the given settings (both stores, through the
`store` fixture), bootstraps an admin credential and hands back an `Api`: the application,
an `httpx.AsyncClient` on it, the clock it reads and the admin token. Modules that need
more (a world, a scrape of /metrics) subclass `Api` or wrap it; `tests/e2e/conftest.py`
holds the `api` fixture most modules use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Self

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

import service.app
from projections.machinery.positions import PositionWatch
from projections.running.read_side import ReadSide
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.signed_notes import Signer
from service.app import create_app
from tests.clock import Clock

BASE_URL = "http://registry.test"
PROBLEM = "application/problem+json"
KEY = Signer.generate("registry.test/audit")


@dataclass
class Api:
    """The service over HTTP: its app, a client of it, the clock it reads, an admin token."""

    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    admin: str

    @classmethod
    def of(cls, api: Api, **extra: Any) -> Self:
        """The same service as `api`, seen through a module's subclass (with its `extra`)."""
        return cls(api.app, api.client, api.clock, api.admin, **extra)

    @property
    def registry(self) -> LeaderRegistry:
        registry: LeaderRegistry = self.app.state.registry
        return registry

    @property
    def read_side(self) -> ReadSide:
        read_side: ReadSide = self.app.state.read_side
        return read_side

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.state.settings
        return settings

    def head(self) -> int:
        """The position of the last recorded event (0 for none)."""
        return int(self.registry.recorder.max_notification_id() or 0)

    def sign_in(self, token: str) -> None:
        """Send `token` with every request from now on."""
        self.client.headers["Authorization"] = f"Bearer {token}"

    def auth(self, token: str | None = None, **headers: str) -> dict[str, str]:
        """Headers with a bearer token (the admin's unless another is given)."""
        return {"Authorization": f"Bearer {token or self.admin}", **headers}

    async def post(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        """A JSON POST, with the token given (anonymous without one)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(path, json=body, headers=headers)

    async def read(self, path: str, status: int = 200, **params: Any) -> httpx.Response:
        """A GET whose answer must have the given status."""
        response = await self.client.get(path, params=params)
        assert response.status_code == status, response.text
        return response

    async def issue(self, role: str, subject: str, **extra: Any) -> dict[str, Any]:
        """A new credential, issued over HTTP by the admin (its token shown once)."""
        body = {"role": role, "subject": subject, "label": f"{role} {subject}", **extra}
        response = await self.post("/v1/credentials", body, self.admin)
        assert response.status_code == 201, response.text
        issued: dict[str, Any] = response.json()
        return issued

    async def settle(self, timeout: float = 60) -> None:
        """Wait until the read models include every write so far (generously: CI is slow)."""
        assert await self.read_side.wait_for(self.head(), timeout)


class FakeReadSide:
    """Stands in for the read side: always caught up (or never, if `caught_up` is False).

    For tests that need only the application: its `wait_for` answers at once."""

    caught_up = True
    halted: frozenset[str] = frozenset()  # no projection is halted
    unreachable = False  # nor the database

    def __init__(self, settings: Settings, registry: LeaderRegistry) -> None:
        self.waited: list[int] = []
        self.engine = create_async_engine("sqlite+aiosqlite://")  # empty: no read models
        self.positions = PositionWatch()  # never moves

    def start(self) -> None:
        pass

    async def wait_for(self, position: int, timeout: float) -> bool:
        self.waited.append(position)
        return self.caught_up

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def serve(
    settings: Settings,
    clock: Clock | None = None,
    *,
    read_side: type[Any] | None = None,
    admin: bool = True,
    signed_in: bool = False,
) -> AsyncIterator[Api]:
    """Run the service on `settings` until the block ends.

    `read_side` replaces the real one (e.g. `FakeReadSide`); `admin=False` records no
    admin credential; `signed_in` sends the admin token with every request."""
    clock = clock or Clock()
    with pytest.MonkeyPatch.context() as patch:
        if read_side is not None:
            patch.setattr(service.app, "ReadSide", read_side)
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            registry: LeaderRegistry = app.state.registry
            token = ""
            if admin:
                token = registry.bootstrap_credential(role="admin", subject="ops", label="e2e")[
                    "token"
                ]
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                api = Api(app, client, clock, token)
                if signed_in:
                    api.sign_in(token)
                yield api


def signing(settings: Settings) -> Settings:
    """`settings` with `KEY` as the audit signing key, checkpoints signed on demand only."""
    update = {"audit_signing_key": SecretStr(KEY.skey), "audit_checkpoint_interval": 0}
    return settings.model_copy(update=update)


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> Any:
    """The answer is problem+json of the status (naming `field`, if given); returns it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"] and problem["type"]
    if field is not None:
        assert problem["field"] == field, problem
    return problem

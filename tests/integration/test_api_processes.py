"""Three API worker processes on one PostgreSQL database take conflicting commands at once."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.scheme import Scheme
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, ENERGY, build_world, draft

CONCURRENT = 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(postgres_store: Settings) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    port = free_port()
    env = dict(
        os.environ,
        REGISTRY_DATABASE_URL=postgres_store.database_url,
        REGISTRY_RUN_PROJECTIONS="false",
        REGISTRY_POLL_INTERVAL="0.1",
    )
    api = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "service.app:app_factory",
            "--factory",
            "--workers",
            "3",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stderr=subprocess.PIPE,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "projections.running.worker"], env=env, stderr=subprocess.DEVNULL
    )
    procs = [api, worker]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert api.poll() is None, api.stderr.read().decode() if api.stderr else ""
        time.sleep(0.2)
    yield base, procs
    for p in procs:
        p.terminate()
        p.wait(timeout=15)


def test_concurrent_candidates_on_one_scheme_lose_no_update(
    postgres_store: Settings, server: tuple[str, list[subprocess.Popen[bytes]]]
) -> None:
    base, _ = server
    clock = Clock()
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=clock)
    world = build_world(registry, clock, CONCURRENT, line=ENERGY)
    scheme_id = draft(world, 2025, top_n=3, publicity_days=0)
    token = registry.issue_credential(ADMIN, role="evaluation_body", subject=world.body.subject)

    async def enter_all() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {token['token']}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            # Every request appends to the same scheme aggregate: they all conflict.
            return await asyncio.gather(
                *(
                    client.post(f"/v1/schemes/{scheme_id}/candidates", json={"declaration_id": d})
                    for d in world.declarations
                )
            )

    responses = asyncio.run(enter_all())
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, [r.text for r in responses if r.status_code >= 500]
    accepted = {r.json()["id"] for r in responses if r.status_code == 201}
    # Retries absorb most conflicts; a loser that ran out of retries gets a clean 409.
    assert len(accepted) >= CONCURRENT // 2, statuses
    for lost in (r for r in responses if r.status_code == 409):
        assert "changed by another request" in lost.json()["detail"]
    scheme: Any = registry.repository.get(UUID(scheme_id))
    assert isinstance(scheme, Scheme)
    assert {str(c) for c in scheme.candidacy_ids} == accepted  # no lost update, no phantom
    # Generous timeouts: on a loaded machine (CI runs this beside the whole suite) three API
    # processes and a worker share two cores.
    answer = httpx.get(f"{base}/v1/schemes/{scheme_id}", params={"min_position": 1}, timeout=30)
    deadline = time.monotonic() + 30
    while answer.json()["candidates"] != len(accepted) and time.monotonic() < deadline:
        time.sleep(0.1)
        answer = httpx.get(f"{base}/v1/schemes/{scheme_id}", timeout=30)
    assert answer.json()["candidates"] == len(accepted)
    registry.close()

"""A download streams in constant memory: 100,000 titles through the whole app, on both stores.

The rows are inserted straight into the read model (no events: the projections never see
them), then `GET /v1/leaders?format=csv|jsonl` is sent to the ASGI app with a `send` that
counts and drops what it gets. The traced peak stays a small fraction of the answer's size,
and the body arrives in many chunks: a batch of rows per chunk, never the list at once.
"""

from __future__ import annotations

import os
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from starlette.types import Message

from projections.tables import candidacies
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, serve

ROWS = 100_000
INSERTED_AT_ONCE = 5_000
MB = 1024 * 1024
WINDOW = (10, 60)  # memory is traced from the 10th chunk of the body to the 60th


def title(n: int, clock: Clock) -> dict[str, Any]:
    now = clock()
    return {
        "id": str(uuid.UUID(int=n)),
        "scheme_id": str(uuid.UUID(int=1)),
        "declaration_id": str(uuid.UUID(int=ROWS + n)),
        "body_id": str(uuid.UUID(int=2)),
        "credit_code": f"91120000{n:010d}",
        "enterprise_name": f"天津第{n}空调有限公司",
        "enterprise_region": "120000",
        "standard_number": f"Q/TJ {n:06d}-2024",
        "product_name": "房间空气调节器",
        "product_model": f"KFR-{n}GW",
        "category": "C3851",
        "cycle": 2024,
        "level": "national",
        "scheme_region": "",
        "status": "awarded",
        "declared": {},
        "values": {},
        "exclusion_reason": "",
        "rank": n,
        "score": f"{n}.5",
        "qualified": True,
        "breakdown": {},
        "awarded_at": now - timedelta(days=1),
        "valid_until": now + timedelta(days=365),
        "end_reason": "",
        "open_complaints": 0,
        "entered_at": now - timedelta(days=30),
        "updated_at": now - timedelta(days=1),
        "version": 1,
    }


@pytest.fixture
async def api(store: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with serve(store, clock, admin=False) as api:
        with api.read_side.writer.begin() as conn:
            for start in range(0, ROWS, INSERTED_AT_ONCE):
                rows = [title(n, clock) for n in range(start, start + INSERTED_AT_ONCE)]
                conn.execute(insert(candidacies), rows)
        yield api


def resident() -> int:
    """This process's resident memory, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Seen:
    """What a download sent, and the memory it took on the way."""

    status: int = 0
    size: int = 0
    messages: int = 0
    headers: dict[bytes, bytes] = field(default_factory=dict)
    resident: int = 0  # the most resident memory seen, beyond what there was before
    grown: int = 0  # traced memory still held after WINDOW[1] chunks, allocated since WINDOW[0]
    peak: int = 0  # the most traced memory in that window


async def download(api: Api, query: bytes) -> Seen:
    """One GET /v1/leaders sent through the whole app (middleware and response cache
    included), the body dropped as it comes; memory is traced over the `WINDOW` of chunks."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/leaders",
        "raw_path": b"/v1/leaders",
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"registry.test")],
        "client": ("127.0.0.1", 50000),
        "server": ("registry.test", 80),
        "state": {},
    }
    seen = Seen()
    before = resident()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen.status = message["status"]
            seen.headers.update(message["headers"])
            return
        seen.size += len(message.get("body", b""))
        seen.messages += 1
        seen.resident = max(seen.resident, resident() - before)
        if seen.messages == WINDOW[0]:
            tracemalloc.start()
        elif seen.messages == WINDOW[1]:
            seen.grown, seen.peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

    try:
        await api.app(scope, receive, send)
    finally:
        tracemalloc.stop()
    return seen


async def test_a_download_of_100k_titles_streams_in_constant_memory(api: Api) -> None:
    for fmt in (b"csv", b"jsonl"):
        seen = await download(api, b"format=" + fmt)
        assert seen.status == 200
        assert seen.headers[b"registry-position"] == b"0"  # nothing projected: rows are ours
        assert seen.messages > ROWS // 1000  # a batch of rows at a time...
        assert seen.size > 30 * 1024 * 1024  # ...of a long answer...
        # ...holding a batch or two at any time (some 5 MB): 50 chunks kept would be 17 MB
        # or more, the rows fetched at once hundreds.
        assert 0 < seen.grown < 10 * MB, f"{seen.grown} bytes kept over {WINDOW}"
        assert seen.peak < 12 * MB, f"{seen.peak} bytes at most over {WINDOW}"
        assert seen.resident < 64 * MB, f"{seen.resident} more bytes resident"

"""The verifiable log over HTTP: checkpoints, keys, proofs, the export and signed lists."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from cli.audit_sources import published_key
from domain import merkle
from projections.audit import export as audit_log
from projections.audit.signed_checkpoints import register_key
from registry.event_log import notifications_after
from registry.settings import Settings
from registry.signed_notes import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    open_checkpoint,
    open_note,
    sign_note,
)
from tests.clock import Clock
from tests.e2e.api import KEY, Api, serve, signing
from tests.worlds import ADMIN, ENERGY, World, award_cycle, build_world


@dataclass
class Audited(Api):
    """The service, signed in as the admin, after one award cycle of `world`."""

    world: World

    async def get(self, path: str, status: int = 200, **params: Any) -> Any:
        """The JSON answer, or the response itself for JSON lines."""
        response = await self.read(path, status, **params)
        return response if "jsonl" in response.headers["content-type"] else response.json()


@asynccontextmanager
async def start(settings: Settings, clock: Clock) -> AsyncIterator[Audited]:
    async with serve(settings, clock, signed_in=True) as served:
        world = build_world(served.registry, clock, line=ENERGY)
        award_cycle(world, 2024, [40, 45, 45, 50])
        api = Audited.of(served, world=world)
        await api.settle()
        yield api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return signing(settings)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Audited]:
    async with start(settings, clock) as api:
        yield api


@pytest.fixture
async def unsigned(sqlite_store: Settings, clock: Clock) -> AsyncIterator[Audited]:
    async with start(sqlite_store.model_copy(update={"poll_interval": 0.05}), clock) as api:
        yield api


async def sign(api: Audited) -> tuple[Checkpoint, dict[str, Any]]:
    response = await api.client.post("/v1/audit/checkpoints")
    assert response.status_code == 201, response.text
    keys = [Verifier.from_vkey(k["vkey"]) for k in await api.get("/v1/audit/keys")]
    checkpoint, signed_by = open_checkpoint(response.json()["note"], keys)
    assert signed_by == [KEY.verifier]
    return checkpoint, response.json()


async def test_checkpoints_and_inclusion_proofs_of_every_event(api: Audited) -> None:
    checkpoint, record = await sign(api)
    assert record == await api.get("/v1/audit/checkpoints/latest")
    assert (await api.get("/v1/audit/checkpoints"))["items"] == [record]
    export = (await api.get("/v1/audit/export", limit=1000)).content.splitlines()
    assert len(export) == checkpoint.size > 20
    assert any(json.loads(line).get("private") for line in export)
    for index, line in enumerate(export):
        position = json.loads(line)["position"]
        query = {"position": position, "tree_size": checkpoint.size}
        proof = await api.get("/v1/audit/proofs/inclusion", **query)
        assert base64.b64decode(proof["leaf_hash"]) == merkle.leaf_hash(line)  # private too
        path = [base64.b64decode(h) for h in proof["audit_path"]]
        leaf = base64.b64decode(proof["leaf_hash"])
        assert proof["leaf_index"] == index
        assert merkle.verify_inclusion(leaf, index, checkpoint.size, path, checkpoint.root)


async def test_the_export_pages_are_bounded_and_signed_ones_are_immutable(api: Audited) -> None:
    problem = await api.get("/v1/audit/export", 422, limit=1001)
    assert problem["field"] == "limit"
    unsigned = await api.get("/v1/audit/export", limit=5)
    assert unsigned.headers["cache-control"] == "no-cache"  # no checkpoint yet
    checkpoint, _ = await sign(api)
    whole = (await api.get("/v1/audit/export")).content
    pages: list[bytes] = []
    after = 0
    while True:
        page = await api.get("/v1/audit/export", after=after, limit=7)
        if not page.content:
            break
        lines = page.content.splitlines()
        inside = len(pages) + len(lines) <= checkpoint.size and len(lines) == 7
        expected = "public, max-age=86400, immutable" if inside else "no-cache"
        assert page.headers["cache-control"] == expected
        assert len(lines) <= 7
        pages.extend(lines)
        after = json.loads(lines[-1])["position"]
    assert b"\n".join(pages) + b"\n" == whole
    assert len(pages) == checkpoint.size  # the last page is partial: not immutable


async def test_the_export_reads_and_sends_a_few_events_at_a_time(
    api: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of up to 1000 lines never holds more than CHUNK events in memory at once."""
    asked: list[int] = []

    def counted(recorder: Any, position: int, limit: int, upto: int | None = None) -> Any:
        asked.append(limit)
        return notifications_after(recorder, position, limit, upto)

    monkeypatch.setattr(audit_log, "notifications_after", counted)
    monkeypatch.setattr(audit_log, "CHUNK", 7)  # the log here is short
    async with api.client.stream("GET", "/v1/audit/export", params={"limit": 1000}) as response:
        chunks = [chunk async for chunk in response.aiter_raw()]
    lines = b"".join(chunks).splitlines()
    assert len(lines) > 20 and len(asked) >= len(lines) // 7
    assert max(asked) == 7
    page = audit_log.export_page(api.app.state.read_side.writer, after=0, limit=1000)
    sent = list(audit_log.export_chunks(api.app.state.registry, page))
    assert b"".join(sent) == b"".join(chunks)
    assert max(len(c.splitlines()) for c in sent) == 7


async def test_consistency_between_two_checkpoints(api: Audited) -> None:
    first, _ = await sign(api)
    award_cycle(api.world, 2025, [41, 44, 46, 52])
    await api.settle()
    second, _ = await sign(api)
    proof = await api.get("/v1/audit/proofs/consistency", first=first.size, second=second.size)
    hashes = [base64.b64decode(h) for h in proof["proof"]]
    assert merkle.verify_consistency(first.size, second.size, first.root, second.root, hashes)
    items = (await api.get("/v1/audit/checkpoints"))["items"]
    assert [i["tree_size"] for i in items] == [first.size, second.size]
    assert (await api.get("/v1/audit/checkpoints", after=first.size))["items"][0] == items[1]


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/v1/audit/proofs/inclusion", {"position": 10**9, "tree_size": 3}, 404, "position"),
        ("/v1/audit/proofs/inclusion", {"position": 5, "tree_size": 2}, 422, "tree_size"),
        ("/v1/audit/proofs/inclusion", {"position": 1, "tree_size": 10**9}, 422, "tree_size"),
        ("/v1/audit/proofs/inclusion", {"position": 0, "tree_size": 3}, 422, "position"),
        ("/v1/audit/proofs/consistency", {"first": 5, "second": 3}, 422, "first"),
        ("/v1/audit/proofs/consistency", {"first": 0, "second": 3}, 422, "first"),
        ("/v1/audit/proofs/consistency", {"first": 3, "second": 10**9}, 422, "second"),
    ],
)
async def test_bad_proof_requests_are_problems_naming_the_field(
    api: Audited, path: str, params: dict[str, int], status: int, field: str
) -> None:
    problem = await api.get(path, status, **params)
    assert problem["field"] == field


async def test_without_a_key_nothing_is_signed(unsigned: Audited) -> None:
    assert (await unsigned.client.post("/v1/audit/checkpoints")).status_code == 409
    assert (await unsigned.get("/v1/audit/checkpoints/latest", 404))["status"] == 404
    scheme = unsigned.world.schemes[0]
    await unsigned.get(f"/v1/schemes/{scheme}/signed-list", 409)
    assert await unsigned.get("/v1/audit/keys") == []
    proof = await unsigned.get("/v1/audit/proofs/consistency", first=1, second=2)
    assert len(proof["proof"]) == 1  # proofs need no key: clients check them against a checkpoint


async def test_only_administrators_sign_on_demand(api: Audited) -> None:
    response = await api.client.post("/v1/audit/checkpoints", headers={"Authorization": ""})
    assert response.status_code == 401
    regulator = api.world.registry.bootstrap_credential(role="regulator", subject="x", label="")
    headers = {"Authorization": f"Bearer {regulator['token']}"}
    response = await api.client.post("/v1/audit/checkpoints", headers=headers)
    assert response.status_code == 403
    assert (await api.get("/v1/audit/checkpoints"))["items"] == []


@pytest.mark.parametrize("kind", ["leaders", "ranking"])
async def test_signed_lists_bind_the_exact_bytes_to_a_checkpoint(api: Audited, kind: str) -> None:
    scheme = api.world.schemes[0]
    signed = await api.get(f"/v1/schemes/{scheme}/signed-list", list=kind, format="json")
    content = signed["content"].encode()
    body, _ = open_note(signed["statement"], [KEY.verifier])
    fields = dict(line.split(" ", 1) for line in body.splitlines()[1:])
    assert fields["content-sha256"] == base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert fields["scheme"] == scheme and fields["list"] == kind
    checkpoint, _ = open_checkpoint(signed["checkpoint"]["note"], [KEY.verifier])
    assert int(fields["tree-size"]) == checkpoint.size
    assert base64.b64decode(fields["root-hash"]) == checkpoint.root
    assert checkpoint.size == int(api.app.state.registry.recorder.max_notification_id())
    # A public read publishes nothing; the list's tree is a prefix of a later checkpoint.
    assert (await api.get("/v1/audit/checkpoints"))["items"] == []
    published, _ = await sign(api)
    proof = await api.get(
        "/v1/audit/proofs/consistency", first=checkpoint.size, second=published.size
    )
    assert merkle.verify_consistency(
        checkpoint.size,
        published.size,
        checkpoint.root,
        published.root,
        [base64.b64decode(h) for h in proof["proof"]],
    )
    entries = json.loads(content)["entries"]
    # The top 2 with a tie: 3 leaders; the ranking also shows the fourth entry.
    assert [e["rank"] for e in entries] == ([1, 2, 2] if kind == "leaders" else [1, 2, 2, 4])
    with pytest.raises(NoteError):
        open_note(signed["statement"], [Signer.generate("registry.test/audit").verifier])
    await api.get("/v1/schemes/nope/signed-list", 404)


async def test_rotated_keys_stay_published_and_old_checkpoints_still_verify(api: Audited) -> None:
    old, record = await sign(api)
    new_key = Signer.generate(KEY.name)
    with api.app.state.read_side.writer.begin() as conn:
        register_key(conn, new_key.verifier, api.world.clock())
    keys = await api.get("/v1/audit/keys")
    assert [(k["key_id"], k["status"]) for k in keys] == [
        (KEY.verifier.key_id, "retired"),
        (new_key.verifier.key_id, "current"),
    ]
    verifiers = [published_key(k) for k in keys]
    assert keys[0]["retired_tree_size"] == old.size
    assert open_checkpoint(record["note"], verifiers)[0] == old
    with pytest.raises(NoteError):
        open_checkpoint(record["note"], [new_key.verifier])
    # The retired key vouches for no larger tree: a checkpoint it signs for one is forged.
    forged = sign_note(Checkpoint(KEY.name, 99_999, old.root).body, KEY)
    with pytest.raises(NoteError, match="retired"):
        open_checkpoint(forged, verifiers)
    assert open_checkpoint(forged, [Verifier.from_vkey(k["vkey"]) for k in keys])  # no rule


async def test_a_retry_with_the_same_idempotency_key_answers_with_the_first_checkpoint(
    api: Audited,
) -> None:
    key = {"Idempotency-Key": "nightly-2025-01-01"}
    first = await api.client.post("/v1/audit/checkpoints", headers=key)
    assert first.status_code == 201, first.text
    api.app.state.registry.issue_credential(ADMIN, role="regulator", subject="Beijing AMR")
    await api.settle()  # the log and the tree have grown since

    retries = await asyncio.gather(
        *(api.client.post("/v1/audit/checkpoints", headers=key) for _ in range(5))
    )
    assert [r.status_code for r in retries] == [201] * 5
    assert all(r.json() == first.json() for r in retries)
    assert (await api.get("/v1/audit/checkpoints"))["items"] == [first.json()]

    refused = await api.client.post("/v1/audit/checkpoints", headers=key, json={"size": 1})
    assert refused.status_code == 422 and refused.json()["field"] == "Idempotency-Key"
    fresh = await api.client.post("/v1/audit/checkpoints", headers={"Idempotency-Key": "later"})
    assert fresh.json()["tree_size"] > first.json()["tree_size"]

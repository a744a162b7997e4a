"""Group commit on the real stores: shared transactions, and a conflict fails alone."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from domain.credit_code import make_credit_code
from domain.declaration import Declaration
from domain.values import Enterprise, Product
from registry.application import LeaderRegistry
from registry.group_commit import CommitBatcher, _Request
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ADMIN, PLATFORM

AT = Clock().now


def declare(registry: LeaderRegistry, n: int) -> dict[str, Any]:
    code = make_credit_code("91", "110000", 500 + n)
    return dict(
        registry.declare(
            PLATFORM,
            enterprise=Enterprise(code, f"Maker {n}", "110000"),
            standard_number=f"Q/BJ {n:04d}-2025",
            title="Refrigerator",
            product=Product("Refrigerator", "BCD", "C3851"),
            indicators={"eei": Decimal(50)},
            disclosed_on=date(2025, 1, 1),
        )
    )


def new_declaration(n: int) -> Declaration:
    return Declaration.declare(
        enterprise=Enterprise(make_credit_code("91", "110000", 900 + n), "M", "110000"),
        standard_number=f"Q/X {n}",
        title="t",
        product=Product("p", "m", "C3851"),
        indicators={},
        disclosed_on=date(2025, 1, 1),
        committed=True,
        actor=PLATFORM,
        at=AT,
    )


@pytest.fixture
def registry(store: Settings, clock: Clock) -> Iterator[LeaderRegistry]:
    """The shared `registry`, but committing concurrent commands in groups of up to 50."""
    app = LeaderRegistry(env=store.event_store_env(), clock=clock, commit_batch=50)
    yield app
    app.close()


def test_concurrent_commands_share_transactions_and_keep_their_own_positions(
    registry: LeaderRegistry,
) -> None:
    saves: list[int] = []
    assert registry.batcher is not None
    original = registry.batcher.save

    def counting_save(*events: Any) -> Any:
        saves.append(len(events))
        return original(*events)

    registry.batcher.save = counting_save
    with ThreadPoolExecutor(max_workers=16) as pool:
        receipts = list(pool.map(lambda n: declare(registry, n), range(64)))
    assert len({r["position"] for r in receipts}) == 64
    for receipt in receipts:  # each receipt names the position of its own event
        page = registry.recorder.select_notifications(receipt["position"], 1)
        assert page[0].originator_id == UUID(receipt["id"])
    assert sum(saves) == 64 and len(saves) < 64  # some commands shared a transaction


def test_a_stale_command_fails_alone_and_its_batch_is_committed(
    registry: LeaderRegistry,
) -> None:
    taken = new_declaration(1)
    registry.save(taken)
    stale: Any = registry.repository.get(taken.id)
    registry.withdraw_declaration(PLATFORM, str(taken.id), reason="first writer")
    stale.withdraw(reason="second writer, from a stale state", actor=PLATFORM, at=AT)
    fresh = [new_declaration(n) for n in (2, 3)]
    requests = [_Request(list(a.collect_events())) for a in (fresh[0], stale, fresh[1])]
    assert registry.batcher is not None
    registry.batcher._commit(requests)
    assert requests[0].done.result() and requests[2].done.result()
    with pytest.raises(IntegrityError):
        requests[1].done.result()
    assert all(registry.repository.get(a.id).version == 1 for a in fresh)
    assert registry.repository.get(taken.id).withdrawal_reason == "first writer"


def test_commands_on_one_aggregate_never_share_a_batch() -> None:
    batcher = CommitBatcher(lambda *events: [], max_batch=10)
    batcher.close()  # drive the batching by hand
    a, b = new_declaration(7), new_declaration(8)
    first, second, third = (
        _Request(list(a.collect_events())),
        _Request(list(b.collect_events())),
        _Request([type("E", (), {"originator_id": a.id})()]),
    )
    for r in (first, second, third):
        batcher._queue.put(r)
    assert batcher._next_batch() == [first, second]
    assert batcher._next_batch() == [third]


def test_the_service_batches_by_default(store: Settings) -> None:
    assert Settings().commit_batch > 1
    registry = LeaderRegistry(env=store.event_store_env(), commit_batch=Settings().commit_batch)
    try:
        assert registry.batcher is not None
        issued = registry.issue_credential(ADMIN, role="platform", subject="feed")
        assert registry.authenticate(issued["token"]).role == "platform"
    finally:
        registry.close()

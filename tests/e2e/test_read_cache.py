"""The read cache (`service.cache`): fast repeats, never a stale or expired answer."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from projections.running.worker import follow
from registry.application import LeaderRegistry
from registry.settings import Settings
from service.cache import Entry, Label, Store, cache_key, wanted_position
from tests.clock import Clock
from tests.e2e.api import Api, serve
from tests.worlds import CATEGORY, ENERGY, REGULATOR, World, award_cycle, build_world


class Cached(Api):
    """The service, with its read cache in view."""

    @property
    def store(self) -> Store:
        store: Store = self.app.state.read_cache
        return store

    async def projected(self, position: int) -> None:
        assert await self.read_side.wait_for(position, 10)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Cached]:
    async with serve(settings, clock) as api:
        yield Cached.of(api)


def awarded(api: Cached) -> tuple[World, str]:
    """One scheme awarded to its best candidate (the first declaration)."""
    world = build_world(api.registry, api.clock, line=ENERGY)
    scheme, _ = award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)
    return world, scheme


async def test_a_repeated_read_is_answered_from_the_cache_as_the_app_answers_it(
    api: Cached,
) -> None:
    world, scheme = awarded(api)
    head = api.head()
    paths = [
        f"/v1/leaders?category={CATEGORY}",
        f"/v1/candidacies/{world.candidacies[0]}",
        f"/v1/schemes/{scheme}/ranking",
        f"/v1/declarations/{world.declarations[0]}",
        "/v1/events?limit=5",
    ]
    for path in paths:
        first = await api.read(path, min_position=head)
        hits = api.store.hits
        again = await api.read(path)
        assert api.store.hits == hits + 1, path
        assert again.json() == first.json(), path
        assert again.headers.get("etag") == first.headers.get("etag"), path
        assert again.headers["content-type"] == "application/json"
        assert again.headers["x-content-type-options"] == "nosniff"  # hardening still applies
    page = (await api.read("/v1/leaders", category=CATEGORY)).json()
    assert [i["candidacy_id"] for i in page["items"]] == [world.candidacies[0]]
    assert page["as_of"] == api.clock.now.isoformat()
    api.clock.advance(minutes=5)  # a hit still says "as of" now
    assert (await api.read("/v1/leaders", category=CATEGORY)).json()["as_of"] == (
        api.clock.now.isoformat()
    )
    # The same query, however written, is one entry; `min_position` is not part of it.
    hits = api.store.hits
    await api.read(f"/v1/leaders?limit=50&category={CATEGORY}&min_position=1")
    assert api.store.hits == hits + 1


async def test_a_cached_read_changes_as_soon_as_the_read_models_advance(api: Cached) -> None:
    world, _ = awarded(api)
    leader = world.candidacies[0]
    path = f"/v1/candidacies/{leader}"
    before = await api.read(path, min_position=api.head())
    await api.read(f"/v1/leaders?category={CATEGORY}")
    await api.read(path)  # both cached now
    assert before.json()["status"] == "awarded"

    filed = api.registry.file_complaint(
        REGULATOR,
        candidacy_id=leader,
        complainant_kind="regulator",
        grounds="fraud",
        description="test report forged",
        evidence=["report-17"],
    )
    # Read-your-writes: asking for the position waits for it, past the cached answer.
    after = await api.read(path, min_position=filed["position"])
    assert after.json()["status"] == "under_complaint"
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["etag"] == f'"{after.json()["version"]}"'

    decided = api.registry.decide_complaint(
        REGULATOR, filed["id"], upheld=True, findings="forgery confirmed"
    )
    await api.projected(decided["position"])
    # Without min_position: as soon as it is projected, no cached answer is older.
    assert (await api.read(path)).json()["status"] == "revoked"
    assert (await api.read("/v1/leaders", category=CATEGORY)).json()["items"] == []


async def test_an_expired_title_leaves_the_current_leaders_at_its_valid_until(api: Cached) -> None:
    world, scheme = awarded(api)
    leader = world.candidacies[0]
    await api.projected(api.head())
    status = (await api.read(f"/v1/candidacies/{leader}")).json()
    valid_until = datetime.fromisoformat(status["valid_until"])
    reads = [
        f"/v1/leaders?category={CATEGORY}",
        "/v1/leaders",
        f"/v1/candidacies/{leader}",
        f"/v1/schemes/{scheme}/ranking",
    ]
    api.clock.now = valid_until - timedelta(microseconds=1)
    for path in reads * 2:  # warm
        await api.read(path)
    position, hits = api.read_side.positions.value, api.store.hits
    for path in reads:
        await api.read(path)
    assert api.store.hits == hits + len(reads)

    api.clock.now = valid_until  # no event, no sweep: only the clock moved
    leaders = (await api.read("/v1/leaders", category=CATEGORY)).json()
    assert leaders["items"] == [] and leaders["total"] == 0
    assert (await api.read("/v1/leaders")).json()["items"] == []
    status = (await api.read(f"/v1/candidacies/{leader}")).json()
    assert status["status"] == "expired" and status["is_leader"] is False
    ranking = (await api.read(f"/v1/schemes/{scheme}/ranking")).json()
    assert ranking["items"][0]["status"] == "expired"
    assert api.read_side.positions.value == position


async def test_the_cache_stays_within_its_memory_bound(store: Settings) -> None:
    settings = store.model_copy(
        update={"poll_interval": 0.05, "read_cache_bytes": 20_000, "read_cache_entry_bytes": 8_000}
    )
    async with serve(settings) as served:
        api = Cached.of(served)
        awarded(api)
        await api.projected(api.head())
        sizes = []
        for after in range(60):
            await api.read("/v1/events", after=after, limit=3)
            sizes.append(api.store.size)
        assert max(sizes) <= 20_000
        assert api.store.evictions > 0
        assert 0 < len(api.store) < 60
        await api.read("/v1/events", limit=100)  # larger than an entry may be
        assert ("", "/v1/events", (("limit", "100"),)) not in api.store._entries


def test_the_store_evicts_the_least_recently_used_first() -> None:
    store = Store(max_bytes=1000, max_entry_bytes=600)
    label = Label(0, 7)
    now = datetime(2025, 1, 1, tzinfo=UTC)

    def entry(size: int) -> Entry:
        return Entry(label, None, b"x", False, (), size)

    assert store.put("a", entry(400)) and store.put("b", entry(400))
    assert store.get("a", label, now) is not None  # "b" is now the least recently used
    assert store.put("c", entry(400))
    assert store.get("b", label, now) is None
    assert store.get("a", label, now) is not None and store.get("c", label, now) is not None
    assert store.size == 800
    assert not store.put("d", entry(601))
    assert store.get("a", Label(0, 8), now) is None  # the read models moved on
    assert store.get("c", Label(1, 7), now) is None  # a rebuild moved them back
    soon = Entry(label, now + timedelta(seconds=1), b"x", False, (), 10)
    store.put("e", soon)
    assert store.get("e", label, now) is not None
    assert store.get("e", label, now + timedelta(seconds=1)) is None


def test_keys_and_waits_are_read_as_the_router_reads_them() -> None:
    assert cache_key("/v1/leaders", b"limit=5&category=C1&min_position=9") == cache_key(
        "/v1/leaders", b"category=C1&limit=5"
    )
    assert cache_key("/v1/x", b"a=1&a=2") != cache_key("/v1/x", b"a=2&a=1")
    assert cache_key("/v1/x", b"a=%31") == cache_key("/v1/x", b"a=1")
    assert wanted_position(b"category=C1") == 0
    assert wanted_position(b"min_position=12") == 12
    assert wanted_position(b"min%5Fposition=12") == 12
    assert wanted_position(b"min_position=1&min_position=30") == 30
    assert wanted_position(b"min_position=-1") is None
    assert wanted_position(b"min_position=" + b"9" * 30) is None


async def test_with_a_projection_worker_the_api_learns_positions_by_notification(
    postgres_store: Settings,
) -> None:
    """A separate worker projects; the API neither polls (its poll is 30 s) nor waits."""
    stop = threading.Event()
    worker_registry = LeaderRegistry(env=postgres_store.event_store_env())
    worker = threading.Thread(
        target=follow,
        args=(postgres_store.model_copy(update={"poll_interval": 0.1}), worker_registry, stop),
    )
    settings = postgres_store.model_copy(
        update={"run_projections": False, "poll_interval": 30.0, "consistency_timeout": 10.0}
    )
    try:
        async with serve(settings, admin=False) as served:
            api = Cached.of(served)
            worker.start()  # after the API migrated the read models
            admin = api.registry.bootstrap_credential(role="admin", subject="ops", label="t")
            token = {"Authorization": f"Bearer {admin['token']}"}
            for n in range(3):
                started = time.monotonic()
                written = await api.client.post(
                    "/v1/evaluation-bodies",
                    json={"name": f"Body {n}", "kind": "testing_institute", "categories": ["C1"]},
                    headers=token,
                )
                assert written.status_code == 201, written.text
                assert "registry-consistency" not in written.headers
                assert time.monotonic() - started < 5
                body = written.json()
                read = await api.read(f"/v1/evaluation-bodies/{body['id']}")
                assert read.json()["name"] == f"Body {n}"
                events = (await api.read("/v1/events", limit=1000)).json()["items"]
                assert events[-1]["position"] == body["position"]  # never a stale cached feed
            assert api.read_side.positions.live
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(10)
        worker_registry.close()


async def test_a_search_is_cached_until_a_title_it_counts_ends(api: Cached) -> None:
    world, _ = awarded(api)
    leader = world.candidacies[0]
    await api.projected(api.head())
    status = (await api.read(f"/v1/candidacies/{leader}")).json()
    code = status["enterprise"]["credit_code"]
    valid_until = datetime.fromisoformat(status["valid_until"])
    query = {"q": code, "kind": "enterprises"}
    api.clock.now = valid_until - timedelta(microseconds=1)
    first = await api.read("/v1/search", **query)
    (item,) = first.json()["enterprises"]["items"]
    assert item["titles_in_force"] == 1
    hits = api.store.hits
    assert (await api.read("/v1/search", **query)).json() == first.json()
    assert api.store.hits == hits + 1  # answered from the cache

    api.clock.now = valid_until  # no event: the answer's fresh_until has passed
    (item,) = (await api.read("/v1/search", **query)).json()["enterprises"]["items"]
    assert item["titles_in_force"] == 0
    assert api.store.hits == hits + 1


async def test_enterprises_holding_titles_are_cached_until_a_title_ends(api: Cached) -> None:
    world, _ = awarded(api)
    await api.projected(api.head())
    status = (await api.read(f"/v1/candidacies/{world.candidacies[0]}")).json()
    code = status["enterprise"]["credit_code"]
    valid_until = datetime.fromisoformat(status["valid_until"])
    api.clock.now = valid_until - timedelta(microseconds=1)
    holding = await api.read("/v1/enterprises", has_title_in_force="true")
    assert [i["credit_code"] for i in holding.json()["items"]] == [code]
    others = (await api.read("/v1/enterprises", has_title_in_force="false")).json()
    assert code not in [i["credit_code"] for i in others["items"]]
    hits = api.store.hits
    for flag in ("true", "false"):
        await api.read("/v1/enterprises", has_title_in_force=flag)
    assert api.store.hits == hits + 2  # both answered from the cache

    api.clock.now = valid_until  # no event: the title has ended by itself
    holding = (await api.read("/v1/enterprises", has_title_in_force="true")).json()
    assert holding["items"] == [] and holding["total"] == 0
    others = (await api.read("/v1/enterprises", has_title_in_force="false")).json()
    assert code in [i["credit_code"] for i in others["items"]]
    assert api.store.hits == hits + 2

"""Operator commands against a real store: migrate, project, rebuild."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from cli.main import main
from projections.machinery.engines import sync_engine
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world


def test_migrate_then_rebuild_with_progress(
    empty_store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", empty_store.database_url)
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # safe to run twice
    clock = Clock()
    registry = LeaderRegistry(
        env=empty_store.model_copy(update={"create_event_tables": False}).event_store_env(),
        clock=clock,
    )  # the tables exist already: a role without DDL rights can run the service
    award_cycle(build_world(registry, clock, line=ENERGY), 2025, [40, 45, 45, 50])
    head = registry.recorder.max_notification_id()
    registry.close()

    assert main(["rebuild", "candidacies"]) == 0
    err = capsys.readouterr().err
    assert f"{head:,}/{head:,} events" in err and "s left" in err
    assert f"candidacies rebuilt to position {head}" in err
    assert main(["rebuild", "nonsense"]) == 2


def test_processes_starting_together_create_the_event_tables_once(
    empty_postgres_store: Settings,
) -> None:
    # API and projection workers start at once on a fresh database; each creates the tables.
    env = empty_postgres_store.event_store_env()
    barrier = threading.Barrier(8)

    def start() -> int:
        barrier.wait()
        registry = LeaderRegistry(env=env)
        try:
            return registry.recorder.max_notification_id() or 0
        finally:
            registry.close()

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: start(), range(8))) == [0] * 8


def test_a_rebuild_refreshes_the_planner_statistics_of_its_tables(
    postgres_store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", postgres_store.database_url)
    assert main(["migrate"]) == 0
    clock = Clock()
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2025, [40, 45, 45, 50])
    registry.close()
    engine = sync_engine(postgres_store)

    def analysed() -> set[str]:
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT relname FROM pg_stat_user_tables "
                "WHERE schemaname = 'registry_read' AND last_analyze IS NOT NULL"
            )
            return set(found.scalars())

    assert "candidacies" not in analysed()
    assert main(["rebuild", "candidacies"]) == 0
    assert "candidacies" in analysed()
    engine.dispose()

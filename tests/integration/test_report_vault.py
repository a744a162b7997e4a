"""The report vault on both stores: keys kept beside the read models, duplicates found,
keys destroyed by the CLI (on request and past retention), the log and audit untouched."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from cli.main import main
from domain.report import PersonalData
from domain.values import Actor
from registry.application import LeaderRegistry
from registry.cases.reports import PersonalDataErased
from registry.report_vault import report_keys
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, REGULATOR, build_world, draft, ranked

CONTACT = PersonalData(name="Zhao Lei", email="zhao@example.org", private="I am the installer")


@pytest.fixture
def reporting(registry: LeaderRegistry, engine: Engine, store: Settings) -> LeaderRegistry:
    registry.use_vault_on(engine, store)
    return registry


def file(registry: LeaderRegistry, target: str, text: str = "the seal leaks") -> str:
    return registry.file_report(
        Actor.anonymous(),
        target_kind="candidacy",
        target=target,
        grounds="nonconformity",
        description=text,
        evidence=[],
        personal=CONTACT,
    )["id"]


def cli(store: Settings, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    monkeypatch.setenv("REGISTRY_READ_SCHEMA", store.read_schema)
    return main(list(argv))


def test_keys_are_kept_found_and_destroyed_on_request_while_the_log_verifies(
    reporting: LeaderRegistry,
    engine: Engine,
    store: Settings,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(reporting, clock, 2, line=ENERGY)
    entries = ranked(world, draft(world, 2025), [40, 45])
    first = file(reporting, entries[0])
    folded = file(reporting, entries[0], "THE seal  leaks")
    assert reporting.repository.get(UUID(folded)).duplicate_of == UUID(first)
    assert reporting.report_personal_data(REGULATOR, first) == CONTACT
    log_before = [n.state for n in reporting.recorder.select_notifications(0, 10_000)]
    assert cli(store, monkeypatch, "reports", "erase", first, "--reason", "asked") == 0
    with pytest.raises(PersonalDataErased):
        reporting.report_personal_data(REGULATOR, first)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(report_keys.c.report_id, report_keys.c.key)).all())
    assert keys[first] is None and keys[folded] is not None
    log_after = [n.state for n in reporting.recorder.select_notifications(0, 10_000)]
    assert log_after[: len(log_before)] == log_before  # appended to, never changed
    assert cli(store, monkeypatch, "verify") == 0


def test_the_sweep_erases_personal_data_past_retention(
    reporting: LeaderRegistry,
    store: Settings,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = build_world(reporting, clock, 2, line=ENERGY)
    entries = ranked(world, draft(world, 2025), [40, 45])
    old = file(reporting, entries[0])
    monkeypatch.setenv("REGISTRY_REPORT_RETENTION_DAYS", "0.0001")  # about nine seconds
    assert cli(store, monkeypatch, "sweep") == 0  # the sweep reads the wall clock: long after
    assert "erased 1 report(s)' personal data" in capsys.readouterr().out
    with pytest.raises(PersonalDataErased):
        reporting.report_personal_data(REGULATOR, old)

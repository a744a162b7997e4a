"""The read-side collector when the service is not started, or its databases are down."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from eventsourcing.persistence import OperationalError
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from projections.running.metrics import ReadSideCollector, Sources
from tests.clock import Clock


def scrape(collector: ReadSideCollector) -> dict[str, float]:
    registry = CollectorRegistry()
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_nothing_is_read_before_the_service_starts() -> None:
    assert scrape(ReadSideCollector(lambda: None)) == {}


def test_an_unreachable_store_is_reported_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def head() -> int:
        raise OperationalError("connection refused")

    registry = SimpleNamespace(now=Clock(), recorder=SimpleNamespace(max_notification_id=head))
    sources = Sources(cast(Any, registry), cast(Any, None), ["records"])
    assert scrape(ReadSideCollector(lambda: sources)) == {"registry_database_up": 0}
    assert "connection refused" in caplog.text

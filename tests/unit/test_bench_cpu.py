"""The benchmark's CPU-per-request figures: arithmetic and the table they go into."""

from __future__ import annotations

from bench import report
from bench.context import cpu_per_request


def test_cpu_per_request_divides_each_roles_cores_by_the_request_rate() -> None:
    before = {"api_worker": 10.0, "postgresql": 4.0}
    after = {"api_worker": 13.0, "postgresql": 5.0, "projection_worker": 0.5}
    # 2 s of wall time at 500 requests/s: 1.5 cores of API is 3 ms per request.
    assert cpu_per_request(before, after, 2.0, 500.0) == {
        "api_worker": 3.0,
        "postgresql": 1.0,
        "projection_worker": 0.5,
    }
    assert cpu_per_request(before, after, 2.0, 0.0) == {}  # nothing answered: no figure


def test_the_report_shows_each_write_phase_with_its_sum() -> None:
    results = {
        "http": {
            "insert@64": {"server_cpu_ms": {"baseline_worker": 0.3, "postgresql": 0.2}},
            "evaluate@64": {
                "server_cpu_ms": {"api_worker": 2.5, "projection_worker": 1.0, "postgresql": 0.9}
            },
        }
    }
    rows = [line for line in report._server_cpu(results) if line.startswith("| ")]
    assert rows[1:] == [
        "| durable INSERT via asyncpg (baseline) | 64 | 0.30 | 0.00 | 0.20 | 0.50 |",
        "| evaluation of a fresh candidate | 64 | 2.50 | 1.00 | 0.90 | 4.40 |",
    ]
    assert report._server_cpu({"http": {}}) == []

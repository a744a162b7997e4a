"""Bulk import of the national platform's declarations, on both stores."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from cli.importing import encoder
from cli.importing import importer as importer_module
from cli.importing.command import import_actor, import_file
from cli.importing.formats import read_lines
from cli.importing.importer import Importer
from cli.main import main
from domain import ids
from domain.credit_code import make_credit_code
from domain.declaration import Declaration
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock


def record(n: int, **changes: Any) -> dict[str, Any]:
    """One declaration as the platform publishes it (the API's request shape)."""
    item: dict[str, Any] = {
        "enterprise": {
            "credit_code": make_credit_code("91", "120000", 7000 + n),
            "name": f"天津冰箱制造{n}有限公司",
            "region": "120000",
        },
        "standard_number": f"Q/12TJ {n:04d}-2025",
        "title": "家用电冰箱",
        "product": {"name": "Refrigerator", "model": f"BCD-{200 + n}", "category": "C3851"},
        "indicators": {"eei": f"{40 + n % 20}.5", "noise": 38},
        "disclosed_on": "2025-01-15",
    }
    item.update(changes)
    return item


def write_jsonl(path: Path, records: list[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def events(registry: LeaderRegistry) -> int:
    return len(registry.recorder.select_notifications(start=None, limit=1000))


def declared(registry: LeaderRegistry, item: dict[str, Any]) -> Declaration:
    key = ids.declaration_id(item["enterprise"]["credit_code"], item["standard_number"])
    return registry.load(Declaration, key, "declaration")


def test_import_a_generated_file_then_reimport_is_a_no_op(
    registry: LeaderRegistry, tmp_path: Path
) -> None:
    records = [record(n) for n in range(25)]
    path = write_jsonl(tmp_path / "platform.jsonl", list(records))

    summary = import_file(registry, path, batch=10, show_progress=False)
    assert (summary.imported, summary.skipped, summary.rejected) == (25, 0, [])
    assert summary.batches == 3 and summary.fallbacks == 0
    head = registry.recorder.max_notification_id()
    assert head == 25
    first = declared(registry, records[3])
    assert first.enterprise.name == "天津冰箱制造3有限公司"
    assert str(first.indicators["eei"]) == "43.5" and first.product.model == "BCD-203"
    notification = registry.recorder.select_notifications(1, 1)[0]
    event = registry.mapper.to_domain_event(notification)
    assert event.actor == import_actor(path)  # type: ignore[attr-defined]
    assert event.actor.subject == "import:platform.jsonl"  # type: ignore[attr-defined]

    again = import_file(registry, path, batch=10, show_progress=False)
    assert (again.imported, again.skipped, again.rejected) == (0, 25, [])
    assert again.batches == 0  # nothing to append: the existence check is done in bulk
    assert registry.recorder.max_notification_id() == head
    assert (tmp_path / "platform.jsonl.rejects").read_text() == ""


def test_bad_lines_are_rejected_with_their_line_numbers_and_reasons(
    registry: LeaderRegistry, tmp_path: Path
) -> None:
    bad_code = record(2)
    code = bad_code["enterprise"]["credit_code"]
    bad_code["enterprise"]["credit_code"] = code[:17] + ("0" if code[17] != "0" else "1")
    lines: list[dict[str, Any] | str] = [
        record(0),
        record(1),
        bad_code,  # line 3
        "",  # a blank line is neither a record nor an error
        "{not json",  # line 5
        record(3, disclosed_on="2999-01-01"),  # line 6: the domain's rule
        record(4, commitment=False),  # line 7
        record(5, indicators={"eei": "NaN"}),  # line 8
        record(6),
    ]
    path = write_jsonl(tmp_path / "feed.jsonl", lines)

    summary = import_file(registry, path, batch=4, show_progress=False)
    assert summary.imported == 3 and summary.skipped == 0
    reasons = {r.line: r.reason for r in summary.rejected}
    assert sorted(reasons) == [3, 5, 6, 7, 8]
    assert reasons[3].startswith("enterprise.credit_code: credit code check character")
    assert reasons[5].startswith("invalid JSON")
    assert reasons[6] == "disclosed_on: disclosure date is in the future"
    assert reasons[7].startswith("commitment: ")
    assert reasons[8].startswith("indicators.eei: ")
    rejects = (tmp_path / "feed.jsonl.rejects").read_text().splitlines()
    assert rejects[0] == f"line 3: {reasons[3]}"
    assert [line.split(":")[0] for line in rejects] == [f"line {n}" for n in (3, 5, 6, 7, 8)]


def test_a_duplicate_inside_one_batch_does_not_lose_the_batch(
    registry: LeaderRegistry, tmp_path: Path
) -> None:
    records = [record(n) for n in range(6)]
    again = record(2, title="家用电冰箱 (重复)")  # the same credit code and standard number
    path = write_jsonl(tmp_path / "dup.jsonl", [*records[:4], again, *records[4:]])

    summary = import_file(registry, path, batch=100, show_progress=False)
    # The later duplicate is skipped before the append: no failed append, no fallback.
    assert summary.fallbacks == 0 and summary.batches == 1
    assert (summary.imported, summary.skipped, summary.rejected) == (6, 1, [])
    assert events(registry) == 6
    for item in records:
        declared(registry, item)
    assert declared(registry, records[2]).title == "家用电冰箱"  # the first one wins


def test_a_concurrent_writer_costs_the_batch_only_its_own_duplicate(
    registry: LeaderRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [record(n) for n in range(5)]
    path = write_jsonl(tmp_path / "race.jsonl", list(records))
    import_file(registry, write_jsonl(tmp_path / "one.jsonl", [records[1]]), show_progress=False)
    # Someone declared records[1] after the existence check looked: the append conflicts.
    monkeypatch.setattr(importer_module, "existing_ids", lambda *_: set())

    summary = Importer(registry, import_actor(path)).run(read_lines(path))
    assert summary.fallbacks == 1
    assert (summary.imported, summary.skipped) == (4, 1)
    assert events(registry) == 5


def test_csv_import_from_the_command_line(
    store: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", store.database_url)
    path = tmp_path / "platform.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "credit_code",
                "enterprise_name",
                "region",
                "standard_number",
                "title",
                "product_name",
                "product_model",
                "category",
                "indicators",
                "disclosed_on",
            ]
        )
        for n in range(4):
            r = record(n)
            e, p = r["enterprise"], r["product"]
            writer.writerow(
                [
                    e["credit_code"] if n != 2 else "91120000MA05X0000",  # line 4: too short
                    e["name"],
                    e["region"],
                    r["standard_number"],
                    r["title"],
                    p["name"],
                    p["model"],
                    p["category"],
                    json.dumps(r["indicators"]),
                    r["disclosed_on"],
                ]
            )

    assert main(["import", str(path), "--batch", "2"]) == 1  # some lines were rejected
    captured = capsys.readouterr()
    assert "imported 3, skipped 0 existing, rejected 1 of 4 records" in captured.out
    assert "platform.csv.rejects" in captured.err
    assert (tmp_path / "platform.csv.rejects").read_text() == (
        "line 4: enterprise.credit_code: credit code must be 18 characters\n"
    )
    assert main(["import", str(path), "--format", "csv"]) == 1
    assert "imported 0, skipped 3 existing, rejected 1" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


# The fast path ---------------------------------------------------------------------------
def varied_records() -> list[dict[str, Any]]:
    """Records that exercise the encoding: quoting, non-ASCII, normalisation, decimals."""
    return [
        record(0),
        record(1, standard_number="  Q/12TJ   0001-2025 "),  # spaces normalised in the id
        record(
            2,
            title='引号 "quoted" \\ back\\slash / slash ✓ 😀',
            product={"name": "Ünïcödé\u2028冰箱", "model": "", "category": "C3851"},
        ),
        record(
            3,
            indicators={
                "eei": 41,
                "noise": "37.50",
                "x.y-z_1": "-0.000",
                "big": "1E+5",
                "tiny": "0.0000001",
                "f": 12.25,
            },
        ),
        record(4, indicators={}),
        record(5, title="  padded title  "),  # stripped by the request model
        record(6, product={"name": "no model", "category": "C3851"}),  # model defaults to ""
        record(7, enterprise={**record(7)["enterprise"], "name": "  名\u3000称 (天津) "}),
        record(8, disclosed_on="1949-10-01", commitment=True),
    ]


def bad_records() -> list[dict[str, Any] | str]:
    bad_code = record(20)
    code = bad_code["enterprise"]["credit_code"]
    bad_code["enterprise"]["credit_code"] = code[:17] + ("0" if code[17] != "0" else "1")
    return [
        bad_code,
        record(21, title="control\x07character"),
        record(22, title="x" * 201),
        record(23, indicators={"eei": "NaN"}),
        record(24, indicators={"bad code!": 1}),
        record(25, disclosed_on="2999-01-01"),
        record(26, disclosed_on="1949-09-30"),
        record(27, commitment=False),
        record(28, unexpected="field"),
        {k: v for k, v in record(29).items() if k != "title"},
        record(30, enterprise={**record(30)["enterprise"], "region": "12000"}),
        record(31, enterprise={**record(31)["enterprise"], "region": "999999"}),  # rule 19
        "[1, 2]",
        "{not json",
    ]


def stored(registry: LeaderRegistry) -> dict[Any, tuple[int, str, bytes]]:
    """Every stored event by originator id: (version, topic, state)."""
    rows = registry.recorder.select_notifications(start=None, limit=10_000)
    return {str(n.originator_id): (n.originator_version, n.topic, n.state) for n in rows}


def as_declared(registry: LeaderRegistry, item: dict[str, Any]) -> dict[Any, Any]:
    """What `Declaration.declare` + the application's mapper store for a record."""
    reference = Importer(registry, import_actor("feed.jsonl"))
    event = reference._declaration({"commitment": True, **item}).collect_events()
    s = registry.mapper.to_stored_event(event[0])
    return {str(s.originator_id): (s.originator_version, s.topic, s.state)}


def test_the_fast_path_stores_what_declare_and_the_mapper_store(
    registry: LeaderRegistry, tmp_path: Path
) -> None:
    items = varied_records()
    path = write_jsonl(tmp_path / "feed.jsonl", list(items))
    importer = Importer(registry, import_actor(path), batch=4)
    assert importer.checker is not None  # the fast path is on
    summary = importer.run(read_lines(path))
    assert (summary.imported, summary.rejected) == (len(items), [])
    expected: dict[Any, Any] = {}
    for item in items:  # the registry's clock stands still: the same timestamps
        expected.update(as_declared(registry, item))
    assert stored(registry) == expected  # the same ids, versions, topics and bytes
    for item in items:  # and the aggregates load as the application declared them
        assert declared(registry, item).standard_number == " ".join(item["standard_number"].split())


def test_the_fast_path_rejects_what_the_reference_path_rejects(registry: LeaderRegistry) -> None:
    items: list[tuple[int, Any]] = [
        (n, json.dumps(r, ensure_ascii=False) if isinstance(r, dict) else r)
        for n, r in enumerate([*bad_records(), *varied_records()], start=1)
    ]
    importer = Importer(registry, import_actor("feed.jsonl"))
    assert importer.checker is not None
    fast = importer.checker.check(("jsonl", items))
    reference = importer._check_slowly(("jsonl", items))
    assert fast == reference
    assert [r.line for r in fast.rejected] == list(range(1, len(bad_records()) + 1))
    assert len(fast.rows) == len(varied_records())


def test_validation_in_worker_processes_gives_the_same_events(
    registry: LeaderRegistry, tmp_path: Path
) -> None:
    items: list[dict[str, Any] | str] = [*varied_records(), *bad_records()]
    path = write_jsonl(tmp_path / "feed.jsonl", items)
    summary = import_file(registry, path, batch=3, workers=2, show_progress=False)
    assert summary.imported == len(varied_records())
    assert len(summary.rejected) == len(bad_records())
    expected: dict[Any, Any] = {}
    for item in varied_records():
        expected.update(as_declared(registry, item))
    assert stored(registry) == expected
    first_bad = len(varied_records()) + 1
    assert sorted(r.line for r in summary.rejected) == list(
        range(first_bad, first_bad + len(bad_records()))
    )


def test_an_encoding_the_fast_path_does_not_match_falls_back_to_declare(
    registry: LeaderRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = varied_records()
    expected: dict[Any, Any] = {}
    for item in items:
        expected.update(as_declared(registry, item))
    original = encoder.DeclaredEncoder.state

    def drifted(self: encoder.DeclaredEncoder, **values: Any) -> bytes:
        return original(self, **values).replace(b'"title"', b'"Title"')

    monkeypatch.setattr(encoder.DeclaredEncoder, "state", drifted)
    path = write_jsonl(tmp_path / "feed.jsonl", list(items))
    with pytest.warns(RuntimeWarning, match="fast import path"):
        slow = Importer(registry, import_actor(path))
    assert slow.checker is None
    assert slow.run(read_lines(path)).imported == len(items)
    assert stored(registry) == expected


def test_a_failed_append_stops_the_import(
    registry: LeaderRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_jsonl(tmp_path / "feed.jsonl", [record(n) for n in range(30)])
    calls: list[int] = []

    def failing(registry: LeaderRegistry, candidates: list[Any]) -> set[Any]:
        calls.append(len(candidates))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return set()

    monkeypatch.setattr(importer_module, "existing_ids", failing)
    with pytest.raises(RuntimeError, match="went away"):
        Importer(registry, import_actor(path), batch=10).run(read_lines(path))
    assert events(registry) == 10  # the first batch, acknowledged before the failure


def test_an_import_leaves_the_planner_statistics_of_the_event_table_fresh(
    postgres_store: Settings, tmp_path: Path
) -> None:
    # Without them PostgreSQL plans an aggregate's load as a scan of most of the table.
    registry = LeaderRegistry(env=postgres_store.event_store_env(), clock=Clock())
    path = write_jsonl(tmp_path / "platform.jsonl", [record(n) for n in range(40)])
    datastore = registry.recorder.datastore  # type: ignore[attr-defined]

    def estimated_rows() -> float:
        with datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'leaderregistry_events'"
            ).fetchone()
        return float(row["reltuples"])

    assert estimated_rows() == -1  # never analysed
    import_file(registry, path, batch=10, show_progress=False)
    assert estimated_rows() == 40
    registry.close()

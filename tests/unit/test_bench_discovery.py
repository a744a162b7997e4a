"""The discovery benchmark's data, requests and targets (bench/names.py, bench/discovery_*)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bench import data, discovery_report, names
from bench.discovery_items import (
    LISTS,
    list_items,
    page_items,
    plain_model,
    ranking_items,
    search_queries,
)
from bench.populate import ListSpec, Population


def test_brands_run_from_common_to_rare_and_stay_with_their_enterprise() -> None:
    assert names.brand_share(0) > 0.03  # about one enterprise name in twenty
    assert names.brand_share(len(names.BRANDS) - 1) < 1e-5  # a few per million
    assert all(len(b) == 2 for b in names.BRANDS)
    assert names.brand(123_456) == names.brand(123_456)
    name = names.enterprise_name(42, "江苏")
    assert name.startswith(f"江苏{names.brand(42)}") and "有限公司" in name


def test_generated_data_keeps_brands_names_models_and_the_large_category(
    tmp_path: Path,
) -> None:
    generated = data.generate(tmp_path / "d.jsonl", 30_000, keep_per_category=10)
    assert sum(generated.brands.values()) == generated.enterprises
    counts = [n for _, n in generated.brands.most_common()]
    assert counts[0] > 100 * counts[-1] / 2  # frequent and rare brands alike
    assert counts[-1] <= 2
    assert len(generated.names) == len(generated.models) == data.SAMPLE
    assert len(generated.by_category[data.BIG_CATEGORY]) > 10
    assert {len(kept) for c, kept in generated.by_category.items() if c != data.BIG_CATEGORY} == {
        10
    }


def test_search_queries_are_drawn_from_the_data(tmp_path: Path) -> None:
    generated = data.generate(tmp_path / "d.jsonl", 6000, keep_per_category=0)
    queries = search_queries(generated, random.Random(1))
    common = generated.brands.most_common()
    assert common[0][0] in queries["search2"] and common[-1][0] in queries["search2"]
    text = "\n".join(generated.names)
    for kind, length in (("search2", 2), ("search3", 3), ("search6", 6)):
        assert queries[kind] and all(len(q) == length and q in text for q in queries[kind])
    assert all("-" in m for m in queries["model"])
    assert queries["model_plain"] == [plain_model(m) for m in queries["model"]]
    assert plain_model("KFR-352A") == "kfr352a"


def population() -> Population:
    pop = Population([], "token", [ListSpec(0, "C3851", "national", "000000")])
    pop.credit_codes = ["91110000000000001X"]
    pop.active_titles = [f"0c3c1e5e-0000-4000-8000-00000000010{n}" for n in range(5)]
    pop.ranked_schemes = ["0c3c1e5e-0000-4000-8000-000000000001"]
    pop.big_ranking = "0c3c1e5e-0000-4000-8000-000000000002"
    return pop


def test_every_list_has_pages_filtered_and_not() -> None:
    items = list_items(population(), random.Random(1))
    assert set(items) == set(LISTS)
    for name, pages in items.items():
        parts = [urlsplit(p["path"]) for p in pages]
        assert {p.path for p in parts} == {LISTS[name]}
        params = [parse_qs(p.query) for p in parts]
        assert all(q["limit"] == ["50"] for q in params)
        assert len({p["path"] for p in pages}) == len(pages) >= 10
    leaders = {unquote(p["path"]) for p in items["leaders"]}
    assert "/v1/leaders?limit=50&category=C3851&level=national" in leaders
    ranking = ranking_items(population(), 10_000, random.Random(1))
    assert ranking["ranking10k"] == [
        {"path": "/v1/schemes/0c3c1e5e-0000-4000-8000-000000000002/ranking?limit=50"}
    ]
    assert len(ranking["ranking10k_pages"]) == 200


def run(throughput: float, p99: float, **statuses: int) -> dict[str, Any]:
    return {"throughput": throughput, "p50_ms": p99 / 2, "p99_ms": p99, "statuses": statuses}


def test_targets_compare_with_hello_world_and_the_leaders_page() -> None:
    http = {"hello@64": run(10_000, 10, **{"200": 1})}
    http["search2@64"] = run(900, 49, **{"200": 1})
    http["search3@64"] = run(900, 51, **{"200": 1})
    http["search6@64"] = run(0, 0)  # nothing answered within the phase
    http["list_schemes@64"] = run(5_000, 20, **{"200": 1})
    http["list_leaders@64"] = run(4_999, 20, **{"200": 1})
    http["ranking10k@64"] = run(6_000, 40, **{"200": 1})
    http["leaders_uncached@64"] = run(3_000, 30, **{"200": 1})
    http["ranking10k_uncached@64"] = run(1_000, 90, **{"200": 1})
    download = {
        "path": "/v1/leaders?format=csv",
        "status": 200,
        "csv": True,
        "headers": {"content-type": "text/csv; charset=utf-8"},
        "rows": 16_000,
        "mb": 4.1,
        "seconds": 0.8,
        "rows_per_s": 20_000.0,
        "rss_before_mb": 110.0,
        "rss_peak_mb": 113.5,
        "rss_growth_mb": 3.5,
        "complete": True,
    }
    results = {
        "phases": ["discovery", "pages"],
        "http": http,
        "scale": {"declarations": 3_200_000},
        "discovery": {
            "big_ranking_entries": 10_000,
            "dropped": {"list_complaints": {"statuses": {"404": 9}, "example": None}},
            "downloads": {"leaders": download, "declarations": {**download, "status": 404}},
        },
    }
    met = {t["target"]: t["met"] for t in discovery_report.targets(results)}
    assert met["search, 2-character brand: p99 < 50 ms at 64 clients"] is True
    assert met["search, 3 characters: p99 < 50 ms at 64 clients"] is False
    assert met["search, 6 characters: p99 < 50 ms at 64 clients"] is False
    assert met["search, model number: p99 < 50 ms at 64 clients"] is False  # not measured
    assert met["list /v1/schemes ≥ 0.5× hello-world throughput"] is True
    assert met["list /v1/leaders ≥ 0.5× hello-world throughput"] is False
    assert met["list /v1/complaints ≥ 0.5× hello-world throughput"] is False
    assert met["a 10,000-entry ranking's first page: p99 ≤ 2× the leaders page's"] is True
    uncached = "a 10,000-entry ranking's first page: p99 ≤ 2× the leaders page's, read cache off"
    assert met[uncached] is False  # 90 ms against 30 ms
    csv = "as CSV at 3,200,000 declarations: API worker RSS growth < 50 MB"
    assert met[f"whole leaders {csv}"] is True
    assert met[f"whole declarations {csv}"] is False
    table = "\n".join(discovery_report.table(results))
    assert "not measured: every URL answered {'404': 9}" in table
    assert "| 16,000 | 4.1 | 0.8 | 20,000 | 110.0 → 113.5 MB (+3.5 MB) |" in table
    assert discovery_report.targets({"http": http}) == []  # the phase did not run


def test_the_pages_phase_asks_for_many_leaders_pages_and_each_title_s_page() -> None:
    items = page_items(population(), random.Random(1))
    leaders = {unquote(p["path"]) for p in items["page_leaders"]}
    assert len(leaders) == len(items["page_leaders"]) >= 40
    assert {"/leaders?page=2", "/leaders?category=C3851&level=national"} <= leaders
    assert "/leaders?credit_code=91110000000000001X" in leaders
    assert sorted(p["path"] for p in items["page_leader"]) == [
        f"/leaders/{c}" for c in population().active_titles
    ]


def test_search_is_judged_as_deployed_and_without_the_cache_and_pages_against_hello() -> None:
    http = {"hello@64": run(10_000, 10, **{"200": 1})}
    http["search2@64"] = run(9_000, 20, **{"200": 1})
    http["search2_uncached@64"] = run(900, 400, **{"200": 1})
    http["page_leaders@64"] = run(6_000, 29, **{"200": 1})
    http["page_leader@64"] = run(4_000, 31, **{"200": 1})
    results = {"http": http, "discovery": {"dropped": {}}, "phases": ["discovery", "pages"]}
    met = {t["target"]: t["met"] for t in discovery_report.targets(results)}
    assert met["search, 2-character brand: p99 < 50 ms at 64 clients"] is True
    uncached = "search, 2-character brand (read cache off): p99 < 50 ms at 64 clients"
    assert met[uncached] is False
    leaders, leader = (
        "page /leaders (HTML, filtered and paged)",
        "page /leaders/{candidacy_id} (HTML)",
    )
    assert met[f"{leaders} ≥ 0.5× hello-world throughput"] is True
    assert met[f"{leaders}: p99 < 3× hello-world's"] is True
    assert met[f"{leader} ≥ 0.5× hello-world throughput"] is False  # 0.4×
    assert met[f"{leader}: p99 < 3× hello-world's"] is False  # 3.1×
    del http["page_leader@64"]
    results["discovery"] = {"dropped": {"page_leader": {"statuses": {"404": 20}}}}
    measured = {t["target"]: t["measured"] for t in discovery_report.targets(results)}
    assert measured[f"{leader}: p99 < 3× hello-world's"] == (
        "not measured: every URL answered {'404': 20}"
    )


def test_the_pages_phase_alone_is_judged_on_the_pages_alone() -> None:
    http = {
        "hello@64": run(10_000, 10, **{"200": 1}),
        "page_leaders@64": run(6_000, 29, **{"200": 1}),
    }
    results = {"http": http, "discovery": {"dropped": {}}, "phases": ["pages"]}
    judged = [t["target"] for t in discovery_report.targets(results)]
    assert judged and all(t.startswith("page /leaders") for t in judged)

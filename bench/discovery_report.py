"""The discovery phase's tables and targets (issue 14; bench/discovery.py measures them)."""

from __future__ import annotations

from typing import Any

from bench.discovery_items import LISTS, PAGES, RANKING, SEARCH, SEARCH_UNCACHED, UNCACHED

CLIENTS = 64
SEARCH_P99_MS = 50.0
LIST_VS_HELLO = 0.5
RANKING_VS_LEADERS = 2.0
DOWNLOAD_GROWTH_MB = 50.0
PAGE_VS_HELLO = 0.5  # issue 15: the pages' throughput against hello-world's
PAGE_P99_VS_HELLO = 3.0  # and their p99 against hello-world's


def labels() -> dict[str, str]:
    """Each phase's name in the tables."""
    out = dict(SEARCH)
    out.update(SEARCH_UNCACHED)
    out.update(PAGES)
    out.update({f"list_{name}": f"list {path}" for name, path in LISTS.items()})
    out.update(RANKING)
    out.update(UNCACHED)
    return out


def _run(results: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = results.get("http", {}).get(f"{name}@{CLIENTS}", {})
    return found


def _not_measured(results: dict[str, Any], name: str) -> str:
    dropped = results.get("discovery", {}).get("dropped", {}).get(name)
    if dropped:
        return f"not measured: every URL answered {dropped['statuses']}"
    return "not measured in this run"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 14's and 15's speed targets, each with the measured figure and whether it is met."""
    phases = results.get("phases") or []
    out: list[dict[str, Any]] = _page_targets(results) if "pages" in phases else []
    found = results.get("discovery")
    if not found or "discovery" not in phases:
        return out
    names = labels()

    def add(target: str, measured: str, met: bool | None) -> None:
        out.append({"target": target, "measured": measured, "met": met})

    # The target is judged as deployed (read cache on, as every list); every query run
    # (`_uncached`) is judged beside it.
    for name in [*SEARCH, *SEARCH_UNCACHED]:
        run = _run(results, name)
        target = f"{names[name]}: p99 < {SEARCH_P99_MS:.0f} ms at {CLIENTS} clients"
        if run:
            add(target, f"{run['p99_ms']:,.1f} ms", run["p99_ms"] < SEARCH_P99_MS and _ok(run))
        else:
            add(target, _not_measured(results, name), False)
    hello = _run(results, "hello").get("throughput")
    for name in LISTS:
        run = _run(results, f"list_{name}")
        target = f"{names[f'list_{name}']} ≥ {LIST_VS_HELLO}× hello-world throughput"
        if run and hello:
            ratio = run["throughput"] / hello
            measured = f"{run['throughput']:,.0f}/s vs {hello:,.0f}/s ({ratio:.2f}×)"
            add(target, measured, ratio >= LIST_VS_HELLO and _ok(run))
        else:
            add(target, _not_measured(results, f"list_{name}"), False)
    entries = found.get("big_ranking_entries", 0)
    for first, page, how in (
        ("ranking10k", "list_leaders", ""),
        ("ranking10k_uncached", "leaders_uncached", ", read cache off"),
    ):
        ranking, leaders = _run(results, first), _run(results, page)
        target = (
            f"a {entries:,}-entry ranking's first page: p99 ≤ {RANKING_VS_LEADERS:.0f}× the "
            f"leaders page's{how}"
        )
        if ranking and leaders:
            ratio = ranking["p99_ms"] / max(leaders["p99_ms"], 1e-9)
            measured = f"{ranking['p99_ms']:,.1f} vs {leaders['p99_ms']:,.1f} ms ({ratio:.2f}×)"
            add(target, measured, ratio <= RANKING_VS_LEADERS and _ok(ranking))
        else:
            add(target, _not_measured(results, first), False)
    declarations = results.get("scale", {}).get("declarations", 0)
    for name in ("leaders", "declarations"):
        got = found.get("downloads", {}).get(name)
        target = (
            f"whole {name} as CSV at {declarations:,} declarations: API worker RSS growth "
            f"< {DOWNLOAD_GROWTH_MB:.0f} MB"
        )
        if not got:
            add(target, "not measured", False)
            continue
        if got["status"] != 200 or not got.get("csv"):
            add(target, f"answered {got['status']} {got['headers'].get('content-type')}", False)
            continue
        measured = f"+{got['rss_growth_mb']} MB over {got['rows']:,} rows"
        growth = got["rss_growth_mb"]
        bounded = growth is not None and growth < DOWNLOAD_GROWTH_MB
        add(target, measured, got["complete"] and bounded)
    return out


def _page_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 15's: each page type's throughput and p99 against hello-world's."""
    out: list[dict[str, Any]] = []
    hello, names = _run(results, "hello"), labels()

    def add(target: str, measured: str, met: bool) -> None:
        out.append({"target": target, "measured": measured, "met": met})

    for name in PAGES:
        run = _run(results, name)
        rate = f"{names[name]} ≥ {PAGE_VS_HELLO}× hello-world throughput"
        tail = f"{names[name]}: p99 < {PAGE_P99_VS_HELLO:.0f}× hello-world's"
        if not (run and hello):
            add(rate, _not_measured(results, name), False)
            add(tail, _not_measured(results, name), False)
            continue
        ok, rps, base = _ok(run), run["throughput"], hello["throughput"]
        ratio = rps / base
        add(rate, f"{rps:,.0f}/s vs {base:,.0f}/s ({ratio:.2f}×)", ok and ratio >= PAGE_VS_HELLO)
        p99, base = run["p99_ms"], hello["p99_ms"]
        ratio = p99 / max(base, 1e-9)
        add(tail, f"{p99:,.1f} vs {base:,.1f} ms ({ratio:.2f}×)", ok and ratio < PAGE_P99_VS_HELLO)
    return out


def _ok(run: dict[str, Any]) -> bool:
    """Some requests answered, and every one 2xx."""
    statuses = {k: v for k, v in run.get("statuses", {}).items() if v}
    return bool(statuses) and all(k.startswith("2") for k in statuses)


def table(results: dict[str, Any]) -> list[str]:
    """The discovery phases at 64 clients, and the downloads."""
    found = results.get("discovery")
    if not found:
        return []
    hello = _run(results, "hello").get("throughput")
    lines = [
        "",
        f"| Discovery ({CLIENTS} clients) | URLs | req/s | p50 ms | p99 ms | × hello | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, label in labels().items():
        run = _run(results, name)
        urls = found.get("urls", {}).get(name, 0)
        if not run:
            lines.append(f"| {label} | {urls} | – | – | – | – | {_not_measured(results, name)} |")
            continue
        ratio = f"{run['throughput'] / hello:.2f}" if hello else "–"
        bad = {k: v for k, v in run.get("statuses", {}).items() if not k.startswith("2") and v}
        lines.append(
            f"| {label} | {urls} | {run['throughput']:,.0f} | {run['p50_ms']:,.1f} | "
            f"{run['p99_ms']:,.1f} | {ratio} | {bad or 'none'} |"
        )
    downloads = found.get("downloads", {})
    if downloads:
        lines += [
            "",
            "| CSV download | status | rows | MB | seconds | rows/s | worker RSS before → peak "
            "(growth) |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for d in downloads.values():
            lines.append(
                f"| `{d['path']}` | {d['status']} | {d['rows']:,} | {d['mb']} | {d['seconds']} | "
                f"{d['rows_per_s']:,.0f} | {d['rss_before_mb']} → {d['rss_peak_mb']} MB "
                f"(+{d['rss_growth_mb']} MB) |"
            )
    return lines

"""The results as Markdown tables, and the issue's targets checked against them."""

from __future__ import annotations

from typing import Any

from bench import discovery_report

WRITES = ["hello", "insert", "evaluate", "complaint"]
READS = ["leaders", "candidacy", "ranking", "history"]
LABELS = {
    "hello": "hello-world JSON (baseline)",
    "insert": "durable INSERT via asyncpg (baseline)",
    "evaluate": "evaluation of a fresh candidate",
    "complaint": "complaint filing",
    "leaders": "current leaders, filtered page",
    "candidacy": "one candidacy's status",
    "ranking": "a scheme's ranking",
    "history": "an enterprise's history",
}


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _http(results: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = results.get("http", {}).get(name, {})
    return found


def _errors(run: dict[str, Any]) -> str:
    bad = {
        k: v
        for k, v in run.get("statuses", {}).items()
        if k != "late_starts" and not k.startswith("2") and v
    }
    return ", ".join(f"{k}×{v}" for k, v in sorted(bad.items())) or "none"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured figure and whether it is met."""
    out: list[dict[str, Any]] = []

    def add(target: str, measured: str, met: bool | None) -> None:
        out.append({"target": target, "measured": measured, "met": met})

    insert = _http(results, "insert@64").get("throughput")
    for kind in ("evaluate", "complaint"):
        run = _http(results, f"{kind}@64")
        if run:
            ratio = _ratio(run["throughput"], insert)
            add(
                f"HTTP append ({kind}) ≥ durable-INSERT baseline at 64 clients",
                f"{_n(run['throughput'])}/s vs {_n(insert)}/s ({_n(ratio, 2)}×)",
                ratio is not None and ratio >= 1.0,
            )
            add(
                f"HTTP append ({kind}) p99 < 50 ms at 64 clients",
                f"{_n(run['p99_ms'], 1)} ms",
                run["p99_ms"] < 50,
            )
    hello = _http(results, "hello@64")
    leaders = _http(results, "leaders@64")
    if hello and leaders:
        ratio = _ratio(leaders["throughput"], hello["throughput"])
        add(
            "current leaders ≥ 0.65× hello-world throughput (64 clients)",
            f"{_n(leaders['throughput'])}/s vs {_n(hello['throughput'])}/s ({_n(ratio, 2)}×)",
            ratio is not None and ratio >= 0.65,
        )
        p99 = _ratio(leaders["p99_ms"], hello["p99_ms"])
        add(
            "current leaders p99 < 2× hello-world's (64 clients)",
            f"{_n(leaders['p99_ms'], 1)} ms vs {_n(hello['p99_ms'], 1)} ms ({_n(p99, 1)}×)",
            p99 is not None and p99 < 2,
        )
    lag = _http(results, "lag").get("lag")
    if lag:
        add(
            "projection lag p99 < 100 ms at half the maximum append rate",
            f"{_n(lag['p99_ms'], 1)} ms (max {_n(lag['max_ms'], 1)} ms)",
            lag["p99_ms"] < 100 and not lag.get("unresolved"),
        )
    rebuild = results.get("rebuild", {})
    if rebuild:
        slowest = min(r["events_per_s"] for r in rebuild.values())
        add(
            "rebuild ≥ 100,000 events/s (every projection)",
            f"slowest {_n(slowest)} events/s",
            slowest >= 100_000,
        )
    imported = results.get("steps", {}).get("import")
    if imported:
        add(
            "bulk import of 3.2 million declarations < 5 minutes (≥ 10,667/s)",
            f"{_n(imported['rate'])}/s → {_n(imported['projected_3_2m_minutes'], 1)} min",
            imported["rate"] >= 3_200_000 / 300,
        )
    rss = results.get("peak_rss_mb", {}).get("api_worker")
    if rss is not None:
        add("API worker RSS < 250 MB", f"{_n(rss, 1)} MB", rss < 250)
    grown = results.get("growth")
    if grown:
        small, big = grown["small"], grown["grown"]
        worst = max(grown["p99_ratio"].get(k, 0.0) for k in ("leaders@64", "candidacy@64"))
        add(
            f"at {big['events']:,} events, leaders/status p99 within 1.5× of "
            f"{small['events']:,} events (64 clients)",
            ", ".join(f"{k} {v}×" for k, v in grown["p99_ratio"].items()),
            worst <= 1.5 and big["events"] >= 10_000_000 and small["events"] <= 150_000,
        )
        add(
            f"API worker RSS < 250 MB at {big['events']:,} events",
            f"{_n(big['api_worker_rss_mb'], 1)} MB",
            big["api_worker_rss_mb"] < 250,
        )
    else:
        add(
            "at 10 million events, leaders/status p99 within 1.5× of 100,000 events",
            "not measured in this run (python -m bench --growth)",
            None,
        )
    webhooks = results.get("webhooks")
    if webhooks:
        add(
            "webhook dispatcher ≥ 1,000 deliveries/s to a local receiver",
            f"{_n(webhooks['deliveries_per_s'])}/s ({webhooks['deliveries']:,} deliveries)",
            webhooks["deliveries_per_s"] >= 1000,
        )
    out += discovery_report.targets(results)
    stream = results.get("stream")
    if stream:
        every = stream["subscribers_with_every_event"] == stream["subscribers"]
        add(
            f"{stream['subscribers']:,} stream subscribers: every event to every one, "
            "p99 < 200 ms at half the maximum append rate",
            f"{stream['subscribers_with_every_event']:,} complete, p50 "
            f"{_n(stream['latency_p50_ms'], 1)} ms, p99 {_n(stream['latency_p99_ms'], 1)} ms, "
            f"{_n(stream['kib_per_idle_subscriber'], 1)} KiB per idle subscriber",
            every and (stream["latency_p99_ms"] or 1e9) < 200,
        )
    return out


def _server_cpu(results: dict[str, Any]) -> list[str]:
    """Where the machine's CPU went per request, for the commands and their baselines."""
    lines = [
        "",
        "| CPU per request, ms | clients | API workers | projection worker | PostgreSQL | sum |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in WRITES:
        for clients in (8, 64):
            cpu = _http(results, f"{kind}@{clients}").get("server_cpu_ms")
            if not cpu:
                continue
            api = cpu.get("api_worker", cpu.get("baseline_worker", 0.0))
            worker, pg = cpu.get("projection_worker", 0.0), cpu.get("postgresql", 0.0)
            lines.append(
                f"| {LABELS[kind]} | {clients} | {api:.2f} | {worker:.2f} | {pg:.2f} | "
                f"{api + worker + pg:.2f} |"
            )
    return lines if len(lines) > 3 else []


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    scale = results.get("scale", {})
    machine = results.get("machine", {})
    lines.append(
        f"Scale: {scale.get('declarations', 0):,} declarations, "
        f"{results.get('steps', {}).get('populate', {}).get('candidacies_ranked', 0):,} ranked "
        f"candidacies, {scale.get('events_after_population', 0):,} events "
        f"({scale.get('store')}); machine: {machine.get('cores')} cores, "
        f"PostgreSQL {machine.get('postgresql', '–')}"
    )
    tool = results.get("load_tool")
    if tool:
        lines.append(f"Load: {tool}, from a separate process on 127.0.0.1 (bench/load.py)")
    lines += [
        "",
        "| HTTP (2 uvicorn workers) | clients | req/s | p50 ms | p99 ms | × INSERT | × hello "
        "| client CPU | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind in WRITES + READS:
        for clients in (8, 64):
            run = _http(results, f"{kind}@{clients}")
            if not run:
                continue
            insert = _http(results, f"insert@{clients}").get("throughput")
            hello = _http(results, f"hello@{clients}").get("throughput")
            # † the run stopped at its request cap before its duration (see bench/load.py)
            capped = " †" if run.get("count_bound") else ""
            lines.append(
                f"| {LABELS[kind]} | {clients} | {_n(run['throughput'])}{capped} | "
                f"{_n(run['p50_ms'], 1)} | {_n(run['p99_ms'], 1)} | "
                f"{_n(_ratio(run['throughput'], insert), 2)} | "
                f"{_n(_ratio(run['throughput'], hello), 2)} | "
                f"{run['client_cpu']:.0%} | {_errors(run)} |"
            )
    lines += _server_cpu(results)
    lines += discovery_report.table(results)
    lines += ["", "| Other measure | value |", "|---|---|"]
    steps = results.get("steps", {})
    if "import" in steps:
        i = steps["import"]
        lines.append(
            f"| bulk import (`leader-registry import`, batch {i['batch']}) | "
            f"{_n(i['rate'])} declarations/s ({i['declarations']:,} in {i['seconds']} s) |"
        )
    if "populate" in steps:
        p = steps["populate"]
        lines.append(
            f"| population through the application (bulk saves) | {_n(p['events_per_s'])} "
            f"events/s ({p['events']:,} events in {p['seconds']} s) |"
        )
    if "catch_up" in steps:
        c = steps["catch_up"]
        lines.append(
            f"| projection worker catch-up (every projection) | {_n(c['events_per_s'])} "
            f"events/s ({c['events']:,} events in {c['seconds']} s) |"
        )
    lag = _http(results, "lag")
    if lag:
        lg = lag["lag"]
        lines.append(
            f"| projection lag at {_n(lag['rate_offered'])} writes/s offered "
            f"({_n(lag['throughput'])}/s done) | p50 {_n(lg['p50_ms'], 1)} ms, "
            f"p99 {_n(lg['p99_ms'], 1)} ms, max {_n(lg['max_ms'], 1)} ms "
            f"({lg['samples']:,} writes, {lg['unresolved']} unseen) |"
        )
    for name, r in results.get("rebuild", {}).items():
        lines.append(
            f"| rebuild `{name}` | {_n(r['events_per_s'])} events/s overall "
            f"({r['wall_seconds']} s incl. start-up and switch-over; replay "
            f"{_n(r['replay_events_per_s'])}/s) |"
        )
    raw = results.get("raw_read")
    if raw:
        lines.append(
            f"| raw read of the event table (psycopg, binary server-side cursor) | "
            f"{_n(raw['events_per_s'])} events/s ({raw['events']:,} events, {raw['mb']} MB) |"
        )
        lines.append(
            f"| read + decode through the recorder and mapper | "
            f"{_n(raw['decode_events_per_s'])} events/s |"
        )
    for role, mb in results.get("peak_rss_mb", {}).items():
        lines.append(f"| peak RSS, {role.replace('_', ' ')} | {_n(mb, 1)} MB |")
    goals = results.get("targets") or targets(results)
    lines += ["", "| Target (issues 5, 14, 15) | measured | met |", "|---|---|---|"]
    for t in goals:
        met = {True: "yes", False: "**no**", None: "–"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {met} |")
    return "\n".join(lines)

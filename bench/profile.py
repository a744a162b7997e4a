"""Summaries of py-spy's raw (collapsed) stacks: where a process spent its samples.

    python -m bench.profile bench/results/profile-evaluate-64.txt

Each line of the raw format is `frame;frame;...;leaf COUNT`, a frame `function (path:line)`.
The summary gives the share of samples spent in each library (by the leaf frame's file),
the functions with the most samples of their own, and the project's functions (and a few
libraries' entry points) with the most samples beneath them.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FRAME = re.compile(r"^(?P<function>.*?) \((?P<path>[^()]*?)(?::(?P<line>\d+))?\)$")
AREAS = [
    ("project", ("/domain/", "/registry/", "/projections/", "/service/", "/bench/")),
    ("eventsourcing", ("/eventsourcing/",)),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("psycopg", ("/psycopg", "psycopg_binary", "psycopg_pool")),
    ("asyncpg", ("/asyncpg/",)),
    ("pydantic", ("/pydantic",)),
    ("fastapi/starlette", ("/fastapi/", "/starlette/")),
    ("uvicorn/http", ("/uvicorn/", "/httptools/", "/h11/", "/uvloop/")),
    ("asyncio/threads", ("/asyncio/", "/threading.py", "/concurrent/", "/anyio/", "/queue.py")),
    ("json/uuid/decimal", ("/json/", "/uuid.py", "/decimal.py", "/_pydecimal.py")),
]


def _frame(text: str) -> tuple[str, str]:
    found = FRAME.match(text.strip())
    if not found:
        return text.strip(), ""
    return found["function"], found["path"]


def area(path: str) -> str:
    for name, needles in AREAS:
        if any(n in path for n in needles):
            return name
    return "python/other" if path else "native"


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def summary(raw: str, top: int = 15) -> dict[str, Any]:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_frame(f) for f in stack.split(";") if f]
        if not frames:
            continue
        function, path = frames[-1]
        own[f"{function} ({_short(path)})"] += count
        areas[area(path)] += count
        seen = set()
        for function, path in frames:
            if area(path) == "project" or function in ("save", "select_notifications"):
                seen.add(f"{function} ({_short(path)})")
        for key in seen:
            inclusive[key] += count

    def share(counter: Counter[str], n: int) -> list[tuple[str, float]]:
        return [(k, round(100 * v / total, 1)) for k, v in counter.most_common(n)] if total else []

    return {
        "samples": total,
        "areas_pct": dict(share(areas, len(areas))),
        "self_pct": share(own, top),
        "inclusive_pct": share(inclusive, top * 2),
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    for name in args:
        result = summary(Path(name).read_text())
        print(f"== {name}: {result['samples']} samples")
        print("by library (leaf frame):")
        for key, pct in result["areas_pct"].items():
            print(f"  {pct:5.1f}%  {key}")
        print("own samples:")
        for key, pct in result["self_pct"]:
            print(f"  {pct:5.1f}%  {key}")
        print("beneath (project functions):")
        for key, pct in result["inclusive_pct"]:
            print(f"  {pct:5.1f}%  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `import` command: a file of the national platform's declarations into the store,
rejects to FILE.rejects."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.common import open_registry, positive
from cli.importing.appending import analyze_events
from cli.importing.checking import Rejected
from cli.importing.formats import count_records, guess_format, jsonl_texts, read_lines
from cli.importing.importer import Importer, ImportSummary
from domain.values import Actor, Role
from registry.base import RegistryBase
from registry.settings import Settings


def import_actor(path: str | Path) -> Actor:
    """The national platform's feed, naming the file it came from."""
    return Actor(role=Role.PLATFORM.value, subject=f"import:{Path(path).name}")


def write_rejects(path: str | Path, rejected: Sequence[Rejected]) -> Path:
    """`FILE.rejects`: one `line N: reason` a line, in file order (empty if none)."""
    target = Path(f"{path}.rejects")
    with target.open("w", encoding="utf-8") as out:
        for r in sorted(rejected, key=lambda r: r.line):
            out.write(f"line {r.line}: {r.reason}\n")
    return target


def import_file(
    registry: RegistryBase,
    path: str | Path,
    *,
    fmt: str | None = None,
    batch: int = 1000,
    workers: int = 0,
    show_progress: bool = True,
) -> ImportSummary:
    """Import a file of declarations as the platform's feed; writes `FILE.rejects`."""
    from tqdm import tqdm

    fmt = fmt or guess_format(path)
    lines = read_lines(path, fmt)  # checks the format and the file (and a CSV header)
    total = count_records(path, fmt) if show_progress else None
    with tqdm(
        total=total,
        unit=" decl",
        unit_scale=True,
        desc="import",
        disable=not show_progress,
        mininterval=0.5,
        smoothing=0.1,
    ) as bar:

        def advance(done: int) -> None:
            bar.update(done)

        importer = Importer(
            registry, import_actor(path), batch=batch, workers=workers, progress=advance
        )
        if fmt == "jsonl":
            summary = importer.run_jsonl(jsonl_texts(Path(path)))
        else:
            summary = importer.run(lines)
    if summary.imported:
        analyze_events(registry)
    write_rejects(path, summary.rejected)
    return summary


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    """Bulk-import the national platform's declarations; rejects go to FILE.rejects."""
    read_lines(args.file, args.format)  # a missing file or bad format fails before connecting
    with open_registry(settings) as registry:
        summary = import_file(
            registry,
            args.file,
            fmt=args.format,
            batch=args.batch,
            workers=args.workers,
            show_progress=True,
        )
    rejected = len(summary.rejected)
    print(
        f"imported {summary.imported:,}, skipped {summary.skipped:,} existing, "
        f"rejected {rejected:,} of {summary.records:,} records "
        f"in {summary.seconds:,.1f} s ({summary.rate:,.0f} records/s)"
    )
    if rejected:
        print(f"rejected lines and reasons: {args.file}.rejects", file=sys.stderr)
    return 1 if rejected else 0


def add_import(commands: Any) -> None:
    """The `import` command, for `cli.main.build_parser`."""
    importing = commands.add_parser(
        "import", help="bulk-import the national platform's declarations (CSV or JSON Lines)"
    )
    importing.add_argument("file", help="the file to import; rejects go to FILE.rejects")
    importing.add_argument(
        "--format", choices=["csv", "jsonl"], help="default: csv for *.csv, else jsonl"
    )
    importing.add_argument(
        "--batch", type=positive, default=1000, help="declarations per transaction"
    )
    importing.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes that validate records besides this one, which appends them "
        "(default 0: validate here, overlapping with the appends)",
    )
    importing.set_defaults(handler=cmd_import)

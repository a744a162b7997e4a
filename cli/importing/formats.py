"""The files the importer reads: CSV and JSON Lines, one declaration a record.

Formats:

* ``jsonl``: one JSON object a line, shaped like the API's request body
  (``{"enterprise": {"credit_code", "name", "region"}, "standard_number", "title",
  "product": {"name", "model", "category"}, "indicators": {...}, "disclosed_on"}``), or
  flat with the CSV column names below;
* ``csv``: a header line, then the columns ``credit_code, enterprise_name, region,
  standard_number, title, product_name, product_model, category, indicators,
  disclosed_on`` and optionally ``commitment``; ``indicators`` holds a JSON object.

The platform publishes only declarations whose enterprise has committed that the data are
true, so ``commitment`` may be left out (it then means true); a false one is rejected.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput

FORMATS = ("csv", "jsonl")
CSV_COLUMNS = (
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
    "commitment",
)
CSV_REQUIRED = frozenset(CSV_COLUMNS) - {"product_model", "commitment"}


# (line number, the record, or why it could not even be read)
Line = tuple[int, dict[str, Any] | str]


class ImportFileError(InvalidInput):
    """The file cannot be imported at all (missing, unknown format, bad CSV header)."""


def guess_format(path: str | Path) -> str:
    return "csv" if Path(path).suffix.lower() == ".csv" else "jsonl"


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """A flat record (CSV columns) in the shape of the API's request body."""
    record: dict[str, Any] = {
        "enterprise": {
            "credit_code": flat.pop("credit_code", None),
            "name": flat.pop("enterprise_name", None),
            "region": flat.pop("region", None),
        },
        "product": {
            "name": flat.pop("product_name", None),
            "model": flat.pop("product_model", None) or "",
            "category": flat.pop("category", None),
        },
    }
    record.update(flat)  # standard_number, title, indicators, disclosed_on, commitment, extras
    return record


def _with_commitment(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("commitment") in (None, ""):
        record["commitment"] = True
    return record


def parse_jsonl(number: int, text: str) -> Line:
    """One JSON Lines record (or why it cannot be read), as `read_lines` yields it."""
    try:
        record = json.loads(text)
    except ValueError as error:
        return number, f"invalid JSON: {error}"
    if not isinstance(record, dict):
        return number, "each line must be a JSON object"
    if "enterprise" not in record and "credit_code" in record:
        record = _nested(record)
    return number, _with_commitment(record)


def jsonl_texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line, unparsed."""
    with path.open(encoding="utf-8-sig") as lines:
        for number, text in enumerate(lines, start=1):
            if text.strip():
                yield number, text


def _jsonl_lines(path: Path) -> Iterator[Line]:
    for number, text in jsonl_texts(path):
        yield parse_jsonl(number, text)


def _csv_lines(path: Path) -> Iterator[Line]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in CSV_COLUMNS]
        missing = sorted(CSV_REQUIRED - set(header))
        if unknown or missing:
            problems = []
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown column(s) {', '.join(unknown)}")
            raise ImportFileError(f"{path}: CSV header: {'; '.join(problems)}")
        reader.fieldnames = header
        start = reader.line_num + 1
        for row in reader:
            number, start = start, reader.line_num + 1
            if None in row:  # more cells than columns
                yield number, f"{len(header) + len(row[None])} cells for {len(header)} columns"
                continue
            flat: dict[str, Any] = dict(row)
            if flat.get("indicators") not in (None, ""):
                try:
                    flat["indicators"] = json.loads(flat["indicators"])
                except ValueError as error:
                    yield number, f"indicators: invalid JSON: {error}"
                    continue
            yield number, _with_commitment(_nested(flat))


def read_lines(path: str | Path, fmt: str | None = None) -> Iterator[Line]:
    """(line number, record or problem) for each record of the file, in file order."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    return _csv_lines(path) if fmt == "csv" else _jsonl_lines(path)


def count_records(path: str | Path, fmt: str | None = None) -> int:
    """How many records the file holds (a quick first pass, for the progress bar)."""
    path = Path(path)
    if (fmt or guess_format(path)) == "jsonl":
        with path.open("rb") as data:
            return sum(1 for line in data if line.strip())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)

"""Rule 19: region codes are real administrative divisions (GB/T 2260), and a list's region
is of its level. The table ships as data (`divisions/gb2260.tsv`, its source and version in
`divisions/README.md`), read once with the standard library."""

from __future__ import annotations

from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("divisions") / "gb2260.tsv"
NATIONAL_REGION = "000000"  # a national list's region: the whole country


@cache
def divisions() -> dict[str, str]:
    """Every division code of the table, with its name."""
    found: dict[str, str] = {}
    with TABLE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")
            found[code] = name
    return found


def region_problem(code: str) -> str | None:
    """Why `code` is not a division code of the table (None if it is one)."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return "must be a 6-digit administrative division code"
    if code not in divisions():
        return f"{code} is not an administrative division code (GB/T 2260)"
    return None


def list_region_problem(level: str, region: str) -> str | None:
    """Why `region` is not the region of a list of `level` (None if it is): a national list's
    is 000000; a provincial one's a province's code (ending 0000); a municipal one's a city's
    (ending 00, not 0000); each of the last two in the table."""
    if level == "national":
        national = region == NATIONAL_REGION
        return None if national else f"a national list's region is {NATIONAL_REGION}"
    if problem := region_problem(region):
        return problem
    if level == "provincial" and not region.endswith("0000"):
        return "a provincial list's region is a province's code (ending 0000)"
    if level == "municipal" and (not region.endswith("00") or region.endswith("0000")):
        return "a municipal list's region is a city's code (ending 00, not 0000)"
    return None

"""CSV cells a spreadsheet shows as text: the OWASP rule against formula ("CSV") injection.

A cell starting with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed is a formula
to a spreadsheet (or hides one after a line break): it gets a leading `'`, which the
spreadsheet shows as text and does not run. A cell that is wholly a plain decimal number (an
optional `-`, digits, an optional fraction: `-0.5`, `-12`) is left as it is, so negative
numbers stay numbers: a spreadsheet reads such a cell as a constant, and nothing in it can
call a function, reach another cell or start a program (no letters, no `(`, `!` or `|`).
"""

from __future__ import annotations

import re
from typing import Any

# A CSV cell starting with one of these is a formula (or hides one) to a spreadsheet...
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# ...unless the whole cell is a plain decimal number, such as a score of "-0.5".
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def neutralise(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading `'` before a formula's first
    character; plain decimal numbers (negative scores) are left as they are."""
    cell = "" if value is None else str(value)
    if cell.startswith(FORMULA_STARTS) and not PLAIN_DECIMAL.fullmatch(cell):
        return "'" + cell
    return cell

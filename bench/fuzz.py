"""A longer API fuzz run: the schemathesis tests of tests/e2e/test_fuzz.py, many more examples.

    python -m bench.fuzz                          # 500 examples per operation and run
    python -m bench.fuzz --examples 2000 --seed 7
    python -m bench.fuzz -k "admin and schemes"   # a pytest -k expression

The examples are randomized (the seed is printed, and `--seed` replays a run). At the end
it prints what was sent and answered, per test (operation x run) and overall, then each
failure: the check that failed, the response and a curl command to reproduce it. Exits
with pytest's status: 0 only if every response was a documented, schema-conforming non-5xx.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import schemathesis

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/e2e/test_fuzz.py"
# The lines of a failure report worth repeating in the summary.
KEY_LINES = ("- ST", "Received:", "Documented:", "Reproduce with", "curl ", "Error:", "[")


class Tally:
    """A pytest plugin counting, per test, the status codes answered, and the failures."""

    def __init__(self) -> None:
        self.test = ""
        self.statuses: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.failures: dict[str, str] = {}

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.test = item.name

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failures[self.test] = report.longreprtext

    def answered(self, status: int) -> None:
        self.statuses[self.test][status] += 1


TALLY = Tally()


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    TALLY.answered(response.status_code)


def excerpt(report: str, limit: int = 40) -> list[str]:
    lines = [line.strip(" |") for line in report.splitlines()]
    keep = [line for line in lines if line.strip().startswith(KEY_LINES) or "Error" in line]
    return list(dict.fromkeys(keep))[:limit]


def summary(seconds: float, seed: int, examples: int) -> None:
    total: Counter[int] = Counter()
    print(f"\n== fuzz summary: {examples} examples per operation and run, seed {seed} ==")
    for test, statuses in sorted(TALLY.statuses.items()):
        total.update(statuses)
        counts = " ".join(f"{code}:{n}" for code, n in sorted(statuses.items()))
        mark = "FAIL" if test in TALLY.failures else "ok  "
        print(f"{mark} {sum(statuses.values()):6d}  {test}  [{counts}]")
    counts = " ".join(f"{code}:{n}" for code, n in sorted(total.items()))
    print(
        f"\n{len(TALLY.statuses)} tests, {sum(total.values())} requests in {seconds:.1f} s; "
        f"statuses [{counts}]; {len(TALLY.failures)} failed"
    )
    for test, report in sorted(TALLY.failures.items()):
        print(f"\n-- FAILED {test}")
        for line in excerpt(report):
            print(f"   {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--examples", type=int, default=500, help="per operation and run")
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: random)")
    parser.add_argument("-k", dest="keyword", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)

    os.environ["FUZZ_EXAMPLES"] = str(args.examples)
    os.environ["FUZZ_DERANDOMIZE"] = "0"
    os.environ["FUZZ_SEED"] = str(seed)
    os.chdir(ROOT)
    # This module imported schemathesis (for its hook) before pytest could rewrite it.
    options = [
        TESTS,
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if args.keyword:
        options += ["-k", args.keyword]
    started = time.monotonic()
    status = pytest.main(options, plugins=[TALLY])
    summary(time.monotonic() - started, seed, args.examples)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())

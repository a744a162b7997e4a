"""`python -m bench`: the whole benchmark (see `bench/__init__.py` and docs/performance.md)."""

from __future__ import annotations

import sys

from bench.run import main

if __name__ == "__main__":
    sys.exit(main())

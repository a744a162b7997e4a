"""The website's pages (issue 15): the leaders page and leader pages, as HTML, at 64 clients.

Beside hello-world measured in the same run, on an API as deployed (read cache on): the
leaders page filtered a way or two and paged, and the pages of awarded candidacies
(bench/discovery_items.py `page_items`: as many leader pages as leaders pages). Every URL
is asked for over several connections before the load (`warm`), so that each API worker
has rendered it once: the figures are the steady state of pages read more often than they
change. `python -m bench --only pages` runs them alone, without the discovery phase's large
ranking.
"""

from __future__ import annotations

import random

from bench.context import Bench, log
from bench.discovery import CLIENTS, phase, warm
from bench.discovery_items import page_items
from bench.http_phases import step_baselines
from bench.populate import Population


def step_pages(bench: Bench, pop: Population) -> None:
    if "hello@64" not in bench.results["http"]:
        step_baselines(bench, insert=False, clients=(CLIENTS,))
    found = bench.results.setdefault("discovery", {})
    found.setdefault("urls", {})
    found.setdefault("dropped", {})
    pages = page_items(pop, random.Random(15))
    log("pages: the leaders page and leader pages (HTML), on an API as deployed")
    proc, url = bench.start_api("api-pages")
    try:
        for name, items in pages.items():
            warm(url, items)
            phase(bench, url, name, items)  # every URL tried once first, as for the lists
    finally:
        bench.procs.stop(proc)

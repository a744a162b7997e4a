"""Benchmarks and long-running checks of the registry.

`python -m bench` runs the whole benchmark on a fresh PostgreSQL database (`--sqlite` for
the embedded store): it generates a realistic data set (`bench.data`), imports it with
`leader-registry import`, writes the evaluation side through the application
(`bench.populate`), starts the real service (2 uvicorn workers, projections in their own
process) and a baseline app (`bench.baseline`), drives them from a separate load process
(`bench.load`, wrk or httpx, bounded in count and time), measures search, every list, a
10,000-entry ranking and whole CSV downloads (`bench.discovery`), then rebuilds every
projection and reads the raw log. It prints a table (`bench.report`), writes JSON
(default `bench/results/latest.json`) and always stops its processes and drops its
database. See docs/performance.md.

`python -m bench.fuzz` is the long API fuzz run (see README.md).
"""

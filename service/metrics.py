"""`GET /metrics` in the Prometheus text format, and the counters the service keeps.

One `CollectorRegistry` per app (`app.state.metrics`), nothing at import time. Counters
(HTTP requests, appends, conflicts, what the follower applied) count in this process; with
`PROMETHEUS_MULTIPROC_DIR` set (`uvicorn --workers N`), every process writes them to that
directory and a scrape of any worker sums them all. The gauges (positions, lags, the audit
tree) are read from the databases at each scrape, so every process answers the same.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request, Response
from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.exposition import choose_encoder
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projections.running.metrics import ProjectionCounters, ReadSideCollector, Sources, registries
from projections.running.read_side import ReadSide, all_projections
from registry.application import LeaderRegistry
from service.deps import in_thread
from service.middleware import route_path

# Label values come from these sets only, whatever a client sends (bounded cardinality).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
SEEN_PATHS = 4096  # paths whose template is remembered (all forgotten beyond)
MEDIA_TYPES = ("text/plain; version=0.0.4", "application/openmetrics-text; version=1.0.0")


class CommitCounters:
    """The application's appends and optimistic-concurrency conflicts (a `CommitObserver`)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.appends = Counter(
            "registry_appends", "Commands whose events were appended", registry=registry
        )
        self.events = Counter(
            "registry_appended_events", "Events appended by commands", registry=registry
        )
        self.conflicts = Counter(
            "registry_append_conflicts",
            "Appends refused because another command changed the record first (retried)",
            registry=registry,
        )

    def appended(self, events: int) -> None:
        self.appends.inc()
        self.events.inc(events)

    def conflicted(self) -> None:
        self.conflicts.inc()


class Metrics:
    """The app's collector registry and counters; the read side's gauges once started."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._templates: list[tuple[re.Pattern[str], str]] | None = None
        self._seen: dict[str, str] = {}  # path: template, for requests that skip routing
        self.registry, own = registries()
        self.http = Counter(
            "registry_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=own,
        )
        self.commits = CommitCounters(own)
        self.names = [p.name for p in all_projections()]
        self.projections = ProjectionCounters(own, self.names)
        self.registry.register(ReadSideCollector(self._sources))

    def attach(self, registry: LeaderRegistry, read_side: ReadSide) -> None:
        """Count the application's appends and the follower's work (before it starts)."""
        registry.commit_observer = self.commits
        read_side.observer = self.projections

    def _sources(self) -> Sources | None:
        state = self.app.state
        read_side: ReadSide | None = getattr(state, "read_side", None)
        if read_side is None:
            return None
        return Sources(state.registry, read_side.writer, self.names)

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The current values, in the format the scraper asked for."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type

    def route_of(self, scope: Scope) -> str:
        """The template of the route that served the request, or of the one that would have
        (a request refused before routing), else `unmatched`."""
        route = scope.get("route")
        template = getattr(route, "path", None)
        if isinstance(template, str):
            return template
        path = route_path(scope)
        found = self._seen.get(path)
        if found is None:  # a cached answer or a refusal: the router never saw it
            if len(self._seen) >= SEEN_PATHS:
                self._seen.clear()
            found = self._seen[path] = self._match(path)
        return found

    def _match(self, path: str) -> str:
        if self._templates is None:  # the routes are all added by the first request
            contexts = iter_route_contexts(self.app.router.routes)
            paths = [c.path for c in contexts if c.path]
            self._templates = [(compile_path(path)[0], path) for path in paths]
        return next((t for regex, t in self._templates if regex.match(path)), UNMATCHED)


class HttpMetrics:
    """Counts every HTTP answer by method, route template and status (outermost, so that
    refusals by the other middleware count too)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the application raises before it answers

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = self.metrics.route_of(scope)
            self.metrics.http.labels(method, route, str(status)).inc()


def install(app: FastAPI) -> None:
    """Put the app's `Metrics` on `app.state`, count requests, and serve `GET /metrics`."""
    metrics = app.state.metrics = Metrics(app)
    app.add_middleware(HttpMetrics, metrics=metrics)

    @app.get(
        "/metrics",
        tags=["health"],
        operation_id="metrics",
        summary="Metrics",
        response_class=Response,
        responses={
            200: {
                "description": "The metrics in the Prometheus text format (or OpenMetrics)",
                "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES},
            }
        },
    )
    async def scrape(request: Request) -> Response:
        """Prometheus metrics: projections' positions and lag, appends, HTTP requests,
        the audit tree. Public: nothing in them is private."""
        threads = request.app.state.threads
        accept = request.headers.get("accept")
        body, content_type = await in_thread(threads, metrics.exposition, accept)
        return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})

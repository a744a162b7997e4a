"""The HTTP API: `create_app` wires the application, the read side and the routers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Response
from fastapi.openapi.utils import get_openapi
from fastapi.telemetry import TelemetryConfig
from starlette.types import ASGIApp

from projections.running.read_side import ReadSide
from projections.running.readiness import readiness
from registry.application import LeaderRegistry
from registry.base import utc_now
from registry.settings import Settings
from registry.startup import freeze_startup_objects
from service import cache, metrics, middleware, problems, query_params, reporting
from service.deps import ReadSideDep, RegistryDep, worker_threads
from service.pages import docs, errors, site
from service.pages.static_files import PREFIX as STATIC_PREFIX
from service.pages.static_files import static_files
from service.routers import (
    access,
    audit,
    categories,
    changes,
    declarations,
    desk,
    enterprises,
    events,
    grants,
    lists,
    notices,
    rankings,
    reads,
    reports,
    schemes,
    search,
    signed_lists,
    subscriptions,
    timelines,
    titles,
    triage,
)
from service.schemas.reads import Health, Readiness
from service.stream.broadcaster import Broadcaster
from service.stream.direct import KeepDirectSend

TITLE = "Enterprise standard leader registry"
VERSION = "0.1.0"
DESCRIPTION = (
    "Public registry of the enterprise standard leader programme (企业标准领跑者). "
    "Writes need a bearer token and answer `{id, position}` once the read models include "
    "that position (header `Registry-Consistency: pending` if they did not in time, `halted` "
    "if a read model is halted and will not show it yet; reads drawing on a halted read model "
    "say `halted` too). Reads are public; they carry `Registry-Position`, the log position "
    "the answer holds every event up to. Lists answer JSON pages, or the whole list as CSV or "
    "JSON Lines (`format=csv|jsonl`, or `Accept: text/csv` / `application/jsonl`), streamed "
    "with `Content-Disposition: attachment`. Errors are RFC 9457 `application/problem+json`; "
    "503 with `Retry-After` while a database cannot be reached."
)


class RegistryApp(FastAPI):
    """The service's app: outside all its middleware, the server's own `send` is kept for
    the event stream (`service.stream.direct`)."""

    def build_middleware_stack(self) -> ASGIApp:
        return KeepDirectSend(super().build_middleware_stack())


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """Build the API; the event store and the read side are opened by the lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry = LeaderRegistry(
            env=settings.event_store_env(),
            clock=clock or utc_now,
            commit_batch=settings.commit_batch,
        )
        threads = worker_threads()
        try:
            read_side = ReadSide(settings, registry)
            app.state.metrics.attach(registry, read_side)
            read_side.start()
            app.state.registry, app.state.read_side = registry, read_side
            app.state.read_cache = cache.store_for(settings)
            app.state.threads = threads
            app.state.broadcaster = broadcaster = Broadcaster(
                read_side.engine,
                read_side.positions,
                settings.stream_poll_interval,
                tick=min(1.0, settings.stream_keepalive / 2),
                linger=settings.stream_linger,
            )
            try:
                yield
            finally:
                await broadcaster.stop()  # open streams end
                # Commands still running finish first (off the loop), then the read side.
                await asyncio.to_thread(threads.shutdown, wait=True)
                await read_side.close()
        finally:
            threads.shutdown(wait=True)  # already done unless the read side failed to start
            close = getattr(registry, "close", None)
            if callable(close):
                close()

    # Off unless asked for: otherwise FastAPI looks up the OpenTelemetry providers (reading
    # the environment) on every request, a few per cent of each worker's time.
    on = settings.telemetry
    telemetry: TelemetryConfig = {"tracing": on, "metrics": on, "logs": on}
    app = RegistryApp(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry=telemetry,
        docs_url=None,  # served from the service's own assets: `service.pages.docs`
        redoc_url=None,
        # Every read, present and future, refuses query parameters it does not declare.
        dependencies=[Depends(query_params.known_query)],
    )
    app.state.settings = settings
    problems.install(app)
    reporting.install(app, settings)
    errors.install(app)  # the website's own error pages, in its language
    cache.install(app, is_page=site.is_page)  # innermost: the hardening wraps cached answers
    middleware.install(app, settings, docs_paths=docs.PATHS, is_page=site.is_page)
    metrics.install(app)  # outermost: every answer counts, refusals included
    for module in (
        access,
        categories,
        declarations,
        schemes,
        titles,
        reports,
        reads,
        changes,
        events,
        lists,
        rankings,
        timelines,
        enterprises,
        grants,
        notices,
        audit,
        signed_lists,
        search,
        desk,
        triage,
        subscriptions,
    ):
        app.include_router(module.router)
    for page_router in site.ROUTERS:
        app.include_router(page_router)
    docs.install(app)
    app.mount(STATIC_PREFIX, static_files(), name="static")

    @app.get("/healthz", response_model=Health, tags=["health"], operation_id="health")
    async def health() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @app.get(
        "/readyz",
        response_model=Readiness,
        tags=["health"],
        operation_id="readiness",
        response_model_exclude_unset=True,  # an unreachable database: `ready` and `reason`
        responses={503: {"model": Readiness, "description": "Not ready"}},
    )
    def ready(registry: RegistryDep, read_side: ReadSideDep, response: Response) -> dict[str, Any]:
        """Readiness: databases reachable, read schema at head, projections within lag limits."""
        report = readiness(settings, registry, read_side.writer, registry.now())
        if not report["ready"]:
            response.status_code = 503
        return report

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = document.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["Problem"] = schema
            middleware.describe(document)
            query_params.describe(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory service.app:app_factory`: settings from REGISTRY_* variables."""
    app = create_app()
    freeze_startup_objects()
    return app

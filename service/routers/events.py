"""The public event feed: a typed page with its cursor, and the live stream (SSE)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool

from domain.errors import InvalidInput
from projections import queries
from projections.event_filters import EventFilter
from registry.application import LeaderRegistry
from service import cache
from service.consistency import ReadConn
from service.deps import ReadSideDep, RegistryDep, SettingsDep
from service.event_filter_params import event_filter
from service.problems import READ_ERRORS, problem_doc
from service.routers.reads import After, Limit
from service.schemas.common import MAX_POSITION
from service.schemas.events import EventPage
from service.stream.broadcaster import Broadcaster
from service.stream.client import StreamSettings, stream
from service.stream.direct import EventStreamResponse

router = APIRouter(prefix="/v1", tags=["events"], responses=READ_ERRORS)

Filter = Annotated[EventFilter, Depends(event_filter)]
# One event of the stream, as its fields arrive (`data` is an item of the feed, as JSON).
SSE_EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "The event's log position."},
        "event": {"type": "string", "description": "Its type, or `cutoff`."},
        "data": {"type": "string", "description": "JSON: an item of `GET /v1/events`."},
    },
    "required": ["event", "data"],
}
STREAM_DOC = {
    200: {
        "description": "Server-Sent Events: each event's `id` is its log position, `event` its "
        "type, `data` the same JSON as an item of `GET /v1/events`; comment lines keep the "
        "connection alive; a client too far behind gets a final `cutoff` event naming the "
        "`position` to resume from.",
        "content": {"text/event-stream": {"schema": SSE_EVENT}},
    },
    422: problem_doc("A filter, `after` or `Last-Event-ID` is not valid (the field is named)."),
}


@router.get("/events", response_model=EventPage, operation_id="list_events")
async def list_events(
    conn: ReadConn,
    wanted: Filter,
    after: After = 0,
    limit: Limit = 100,
    *,
    request: Request,
    response: Response,
) -> Response:
    """The public event feed in log order, filtered; page with `after` = `next_after`
    (the `Link: rel="next"` header names the next page when more events follow)."""
    items = await queries.feed(conn, *wanted.where(), after=after, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    next_after = items[-1]["position"] if items else after
    content = {"items": items, "next_after": next_after, "more": more, "limit": limit}
    cache.cacheable(request, None)
    result = cache.json_response(content)
    result.headers.update(response.headers)
    if more:
        url = request.url.include_query_params(after=next_after)
        result.headers["Link"] = f'<{url}>; rel="next"'
    return result


async def _start(registry: LeaderRegistry, after: int, last_event_id: str | None) -> int:
    """The position the stream starts after: `Last-Event-ID` if sent, else `after`; never
    beyond the log's head."""
    field, value = "after", after
    if last_event_id is not None:
        field = "Last-Event-ID"
        text = last_event_id.strip()
        if not text.isascii() or not text.isdigit() or int(text) > MAX_POSITION:
            raise InvalidInput("must be an event's position (a whole number)", field=field)
        value = int(text)
    if value:
        head: int | None = await run_in_threadpool(registry.recorder.max_notification_id)
        head = head or 0
        if value > head:
            raise InvalidInput(f"is beyond the log's last position ({head})", field=field)
    return value


@router.get(
    "/events/stream",
    operation_id="stream_events",
    response_class=EventStreamResponse,
    responses=STREAM_DOC,  # type: ignore[arg-type]
)
async def stream_events(
    registry: RegistryDep,
    read_side: ReadSideDep,
    settings: SettingsDep,
    wanted: Filter,
    after: After = 0,
    last_event_id: Annotated[
        str | None,
        Header(description="The last position received: resume just after it (wins over `after`)."),
    ] = None,
    *,
    request: Request,
) -> EventStreamResponse:
    """The public events as they are recorded (Server-Sent Events), filtered; from after
    `Last-Event-ID` (or `after`): first those recorded since, then live."""
    start = await _start(registry, after, last_event_id)
    broadcaster: Broadcaster = request.app.state.broadcaster
    await broadcaster.start()
    options = StreamSettings(
        keepalive=settings.stream_keepalive,
        queue=settings.stream_queue,
        max_seconds=settings.stream_max_seconds,
    )
    run = partial(stream, read_side.engine, broadcaster, wanted, start, options)
    headers: dict[str, Any] = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return EventStreamResponse(run, headers=headers)

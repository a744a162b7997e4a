"""A response cache for the public reads, in the API process.

Reads opt in (`cacheable`); `ReadCache` (pure ASGI, inside the hardening middleware) keeps
their encoded 200 answers keyed by path and query (parsed as Starlette parses it, without
`min_position`) and labelled with the read models' position when the read began
(`ReadSide.positions`: the in-process follower's, or the projection worker's as notified,
so looking it up costs no database round trip). An entry answers only while:

* the read models are still at its position, in the same generation (a rebuild that moves
  a projection back changes the generation): anything projected since invalidates it;
* the clock (`registry.now()`) is before its `fresh_until`, the first moment its answer
  changes by itself (a title passing its `valid_until`; see `queries.leaders_page`);
* the request's `min_position`, if any, is at or below the position (otherwise the read
  goes through the application, which waits).

Entries are at most `max_entry_bytes`, and the cache drops the least recently used ones
beyond `max_bytes` in all. A leaders page without `as_of` answers "as of" now: its entry
keeps the page up to that field, and each hit appends the current moment.

The website's pages (`service/pages`) are cached the same way, one entry per language and
`Host` (the key ends with them: a page may print its own absolute address); a hit answers
304 when the request's `If-None-Match` names its ETag.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import Headers, State
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.settings import Settings
from service.formats import names_download
from service.languages import negotiate
from service.schemas.common import MAX_POSITION

PREFIX = "/v1/"
JSON = b"application/json"
HTML = b"text/html"
WAITS_FOR = "min_position"
CONSISTENCY = b"registry-consistency"
KEPT_HEADERS = frozenset({b"content-type", b"etag", b"vary", b"content-language", b"link"})
POSITION = b"registry-position"  # on a hit: the entry's position, which is the current one
ENTRY_OVERHEAD = 400  # bytes: the entry, its key and the dictionary slot, roughly


@dataclass(frozen=True, slots=True)
class Label:
    """Where the read models stood when a read began."""

    generation: int
    position: int


@dataclass(frozen=True, slots=True)
class Hint:
    """A read's consent to be cached: its label, and until when its answer holds."""

    label: Label
    fresh_until: datetime | None
    stamped: bool  # the body ends with `"as_of":"NOW"}` (a current leaders page)


@dataclass(frozen=True, slots=True)
class Entry:
    label: Label
    fresh_until: datetime | None
    body: bytes  # when stamped: everything up to and including `"as_of":`
    stamped: bool
    headers: tuple[tuple[bytes, bytes], ...]
    size: int

    def render(self, now: datetime) -> bytes:
        if not self.stamped:
            return self.body
        return self.body + json.dumps(now.isoformat()).encode() + b"}"


def encode(content: Any) -> bytes:
    """JSON as FastAPI writes it: UTF-8, compact."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(content: Any, headers: dict[str, str] | None = None) -> Response:
    """An already-shaped answer, encoded once (no response-model validation)."""
    return Response(encode(content), media_type="application/json", headers=headers)


def label(request: Request) -> None:
    """Note the read models' position before reading them (see `read_connection`)."""
    positions = getattr(request.app.state.read_side, "positions", None)
    if positions is not None and positions.live:
        request.state.read_label = Label(*positions.mark)


def cacheable(request: Request, fresh_until: datetime | None, *, stamped: bool = False) -> None:
    """Let this read's answer be cached, until `fresh_until` at the latest (None: no limit)."""
    found: Label | None = getattr(request.state, "read_label", None)
    if found is not None:
        request.state.read_cache = Hint(found, fresh_until, stamped)


def earliest_after(now: datetime, moments: Any) -> datetime | None:
    """The earliest of `moments` (datetimes or ISO strings, None skipped) later than `now`."""
    best: datetime | None = None
    for moment in moments:
        if moment is None:
            continue
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if moment > now and (best is None or moment < best):
            best = moment
    return best


def _accept(scope: Scope) -> bytes | None:
    return next((v for k, v in scope.get("headers", []) if k.lower() == b"accept"), None)


def cache_key(path: str, query_string: bytes) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(path, the query without `min_position`, in name order), as the router will see it."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    # A stable sort: repeated names keep their order (the last one wins, as before).
    kept = tuple(sorted((p for p in pairs if p[0] != WAITS_FOR), key=lambda p: p[0]))
    return path, kept


def wanted_position(query_string: bytes) -> int | None:
    """The request's `min_position` (0 without one); None if invalid (the app answers 422)."""
    if b"position" not in query_string and b"%" not in query_string:
        return 0
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    found = [v for k, v in pairs if k == WAITS_FOR]
    if not found:
        return 0
    value = found[-1]
    if not (value.isascii() and value.isdigit()) or len(value) > 19 or int(value) > MAX_POSITION:
        return None
    return int(value)


class Store:
    """The entries, least recently used first, within `max_bytes` in all."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.size = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self._entries: OrderedDict[Any, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any, current: Label, now: datetime) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if entry.label != current or (entry.fresh_until is not None and now >= entry.fresh_until):
            self._drop(key)
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Any, entry: Entry) -> bool:
        if entry.size > self.max_entry_bytes:
            return False
        if key in self._entries:
            self._drop(key)
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            oldest = next(iter(self._entries))
            self._drop(oldest)
            self.evictions += 1
        return True

    def _drop(self, key: Any) -> None:
        entry = self._entries.pop(key)
        self.size -= entry.size

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0


def store_for(settings: Settings) -> Store | None:
    """A fresh store as configured (None: caching is off)."""
    if settings.read_cache_bytes <= 0:
        return None
    return Store(settings.read_cache_bytes, settings.read_cache_entry_bytes)


def install(app: FastAPI, *, is_page: Callable[[str], bool] = lambda path: False) -> None:
    """Put `ReadCache` in front of the routes (the reads under `/v1/`, and the website's
    `pages`, one entry per language); the lifespan sets `app.state.read_cache`."""
    app.add_middleware(ReadCache, state=app.state, is_page=is_page)


def _matches(scope: Scope, entry: Entry) -> bool:
    """The request's `If-None-Match` names the entry's ETag."""
    tag = dict(entry.headers).get(b"etag")
    held = Headers(scope=scope).get("if-none-match")
    return tag is not None and held is not None and tag.decode("latin-1") in held


class ReadCache:
    """The ASGI side: answers GET /v1/... from the store, or stores what the app answers."""

    def __init__(
        self, app: ASGIApp, *, state: State, is_page: Callable[[str], bool] = lambda path: False
    ) -> None:
        self.app = app
        self.state = state
        self.is_page = is_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        store: Store | None = getattr(self.state, "read_cache", None)
        positions = getattr(getattr(self.state, "read_side", None), "positions", None)
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or store is None
            or positions is None
            or not (scope["path"].startswith(PREFIX) or self.is_page(scope["path"]))
            or names_download(scope.get("query_string", b""), _accept(scope))
        ):
            # Downloads stream past: they are never kept, nor answered from a kept page.
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        wanted = wanted_position(query)
        key: tuple[Any, ...] = (scope.get("root_path", ""), *cache_key(scope["path"], query))
        if self.is_page(scope["path"]):  # a page: one entry per language and host
            headers = Headers(scope=scope)
            # A page may print its own address (a leader's QR code): never another host's.
            key = (*key, negotiate(headers), headers.get("host", ""))
        if wanted is not None and positions.live and wanted <= positions.value:
            entry = store.get(key, Label(*positions.mark), self._now())
            if entry is not None:
                page = self.is_page(scope["path"])
                await self._answer(entry, send, unchanged=page and _matches(scope, entry))
                return
        await self._through(store, key, scope, receive, send)

    def _now(self) -> datetime:
        now: datetime = self.state.registry.now()
        return now

    async def _answer(self, entry: Entry, send: Send, *, unchanged: bool = False) -> None:
        if unchanged:  # a page the client holds already: 304, no body
            await send({"type": "http.response.start", "status": 304, "headers": entry.headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.render(self._now())
        headers = [
            *entry.headers,
            (b"content-length", str(len(body)).encode()),
            (POSITION, str(entry.label.position).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _through(
        self, store: Store, key: Any, scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        complete = False
        page = self.is_page(scope["path"])

        async def keep(message: Message) -> None:
            nonlocal start, complete
            if message["type"] == "http.response.start":
                types = [v for k, v in message.get("headers", []) if k.lower() == b"content-type"]
                kind = types[0].split(b";")[0].strip() if types else b""
                # Only JSON answers (and pages) are kept: any other (a stream) is not held.
                start = message if kind == JSON or (page and kind == HTML) else None
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, keep)
        hint: Hint | None = scope.get("state", {}).get("read_cache")
        if hint is None or start is None or not complete or start["status"] != 200:
            return
        headers = tuple((k.lower(), v) for k, v in start.get("headers", []))
        if any(k == CONSISTENCY for k, _ in headers):
            return  # the wait timed out: this answer may be older than asked for
        body = b"".join(chunks)
        if hint.stamped:
            cut = body.rfind(b'"as_of":')
            if cut < 0 or not body.endswith(b'"}'):
                return
            body = body[: cut + len(b'"as_of":')]
        kept = tuple((k, v) for k, v in headers if k in KEPT_HEADERS)
        size = len(body) + sum(len(k) + len(v) for k, v in kept) + ENTRY_OVERHEAD
        size += sum(len(part) for pair in key[2] for part in pair) + len(key[1])
        store.put(key, Entry(hint.label, hint.fresh_until, body, hint.stamped, kept, size))

"""Bulk downloads: a whole list as CSV or JSON Lines, streamed in constant memory.

A list route asks `requested` which format the request wants; for a download it hands a
`Listing` (the list's Select, in its pages' order, and the function making one item of a
row) to `stream`, which answers at once with a `Download`: the rows come from their own
read-model connection in one snapshot (`projections.streaming.Snapshot`), a batch at a
time, and `Registry-Position` says the position that snapshot reflects. The connection
lives as long as the response is being sent and is closed however it ends.

CSV: UTF-8 with a BOM (spreadsheets then show Chinese), RFC 4180 (CRLF line ends, quoted as
needed), a header row of the items' fields, nested objects flattened with dots
(`enterprise.name`), `true`/`false`, empty cells for null, arrays and free-form objects
(`Listing.as_json`) as JSON text, and every cell a spreadsheet would run neutralised
(`projections.cells`). JSON Lines: one item per line, as in the JSON list's `items`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from domain.errors import InvalidInput
from projections.cells import neutralise
from projections.streaming import Snapshot
from service.consistency import POSITION, sources
from service.formats import MEDIA_TYPES, Format, FormatParam, chosen

__all__ = ["RESPONSES", "Download", "FormatParam", "Listing", "requested", "stream"]

BOM = "\ufeff"
PAGING = ("limit", "offset")
# Headers of the page's answer a download does not take over (it sets its own).
NOT_COPIED = frozenset({"content-length", "content-type", "registry-position"})

_TEXT = {"schema": {"type": "string"}}
# The 200 answer's other media types and the download's headers, for a list route's
# `responses` (FastAPI adds the JSON page's schema beside them).
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page as JSON; or, as CSV or JSON Lines (`format`, or `Accept`), "
        "the whole list, streamed (README.md, Bulk downloads).",
        "content": {MEDIA_TYPES[Format.csv]: _TEXT, MEDIA_TYPES[Format.jsonl]: _TEXT},
        "headers": {
            POSITION: {
                "description": "The answer holds every event up to this log position (for a "
                "download, exactly the snapshot it was read in).",
                "schema": {"type": "integer"},
            },
            "Content-Disposition": {
                "description": 'A download\'s file name: attachment; filename="NAME.csv"',
                **_TEXT,
            },
        },
    }
}


@dataclass(frozen=True)
class Listing:
    """What a download streams: the list's rows, how a row becomes an item, and its name."""

    name: str  # the file's name, without its extension
    query: Select[Any]  # every matching row, in the pages' order
    item: Callable[[Any], dict[str, Any]]
    columns: tuple[str, ...] = ()  # the CSV header when the list is empty
    as_json: frozenset[str] = field(default_factory=frozenset)  # objects kept as JSON text


def requested(request: Request, response: Response, fmt: Format | None) -> Format | None:
    """The download a request asks for (None: the JSON page). `limit` and `offset` page the
    JSON list only: given with a download they are refused (422), never silently ignored."""
    response.headers["Vary"] = "Accept"
    wanted = chosen(fmt, request.headers.get("accept"))
    if wanted is Format.json:
        return None
    for name in PAGING:
        if name in request.query_params:
            raise InvalidInput(
                f"a download is the whole list; {name} pages only the JSON list", field=name
            )
    return wanted


def flatten(item: Mapping[str, Any], as_json: frozenset[str], prefix: str = "") -> dict[str, Any]:
    """An item's fields as CSV columns: nested objects flattened with dots."""
    cells: dict[str, Any] = {}
    for key, value in item.items():
        name = prefix + key
        if isinstance(value, dict) and name not in as_json:
            cells.update(flatten(value, as_json, name + "."))
        else:
            cells[name] = value
    return cells


def text(value: Any) -> str:
    """One CSV cell's text, neutralised."""
    if type(value) is str:
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return neutralise(value)


async def csv_lines(listing: Listing, batches: AsyncIterator[Iterable[Any]]) -> AsyncGenerator[str]:
    """The CSV, a batch of rows per chunk; the header from the first item's fields."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(BOM)
    columns: list[str] | None = None
    async for batch in batches:
        for row in batch:
            cells = flatten(listing.item(row), listing.as_json)
            if columns is None:
                columns = list(cells)
                writer.writerow(columns)
            writer.writerow([text(cells.get(column)) for column in columns])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if columns is None:
        writer.writerow(listing.columns)
    yield out.getvalue()


async def json_lines(
    listing: Listing, batches: AsyncIterator[Iterable[Any]]
) -> AsyncGenerator[str]:
    """JSON Lines, a batch of rows per chunk."""
    async for batch in batches:
        yield "".join(
            json.dumps(listing.item(row), ensure_ascii=False, separators=(",", ":")) + "\n"
            for row in batch
        )


async def encoded(lines: AsyncIterator[str]) -> AsyncGenerator[bytes]:
    async for chunk in lines:
        if chunk:
            yield chunk.encode("utf-8")


class Download(StreamingResponse):
    """A streamed download that closes its snapshot however the response ends."""

    def __init__(
        self,
        snapshot: Snapshot,
        stages: Sequence[AsyncGenerator[Any]],
        headers: Mapping[str, str],
        fmt: Format,
    ) -> None:
        super().__init__(stages[0], headers=headers, media_type=MEDIA_TYPES[fmt])
        self.snapshot = snapshot
        self.stages = stages  # the body, then the generators it reads, outermost first

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also after a client went away mid-stream or an error: the cursor, then the
            # connection (shielded: a cancelled request still gives its connection back).
            for stage in self.stages:
                await asyncio.shield(stage.aclose())
            await asyncio.shield(self.snapshot.close())


async def stream(
    request: Request,
    response: Response,
    listing: Listing,
    fmt: Format,
    *,
    release: AsyncConnection | None = None,
) -> Download:
    """Answer `listing` as a download (`release`: the page's connection, given back first,
    so that a download holds one connection)."""
    if release is not None:
        await release.close()
    snapshot = await Snapshot.open(request.app.state.read_side.engine, sources(request))
    batches = snapshot.batches(listing.query)
    lines = csv_lines(listing, batches) if fmt is Format.csv else json_lines(listing, batches)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_COPIED}
    headers.update(
        {
            "Content-Disposition": f'attachment; filename="{listing.name}.{fmt.value}"',
            POSITION: str(snapshot.position),
            "Cache-Control": "no-store",
        }
    )
    return Download(snapshot, (encoded(lines), lines, batches), headers, fmt)

"""Optimistic concurrency for clients: ETag on reads, If-Match on writes (412 when stale)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Header, Response

from registry.base import PreconditionFailed

_TAG = re.compile(r'^(?:W/)?"([0-9]{1,12})"$')
# What the document declares: an entity tag as above, or `*` (anything else gets 412).
IF_MATCH_PATTERN = r'^(\*|(W/)?"[0-9]{1,12}")$'


def etag(version: int) -> str:
    """A record's version as an entity tag."""
    return f'"{version}"'


def tag_response(response: Response, record: dict[str, Any]) -> dict[str, Any]:
    """Set the ETag of a single-record read from the record's version."""
    response.headers["ETag"] = etag(int(record["version"]))
    return record


async def if_match(
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag of the record as last read (e.g. "3"); stale gets 412.',
            json_schema_extra={"pattern": IF_MATCH_PATTERN, "minLength": 1},
        ),
    ] = None,
) -> int | None:
    """The version the client expects, or None when it does not care (`*` or absent)."""
    if value is None or value.strip() == "*":
        return None
    match = _TAG.match(value.strip())
    if match is None:
        raise PreconditionFailed('If-Match must be an entity tag like "3"', field="If-Match")
    return int(match.group(1))


IfMatch = Annotated[int | None, Depends(if_match)]

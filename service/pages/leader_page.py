"""A leader's page (`/leaders/{candidacy_id}`): one candidacy's status in plain words, what
it is for, its history, a QR code that opens the page, and how to verify it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.responses import Response

from domain.complaint import Grounds
from projections import queries
from projections.category_queries import category
from service import cache
from service.consistency import ReadConn
from service.deps import RegistryDep, SettingsDep
from service.pages import leader_proof, leader_status
from service.pages.qr import absolute_url, inline_qr, qr_svg
from service.pages.respond import html

router = APIRouter(include_in_schema=False)
HISTORY_LIMIT = 1000  # a candidacy has a handful of events; the API's largest page
QR_CACHE = "public, max-age=86400"  # a leader's address never changes (nothing is deleted)


def candidacy_key(candidacy_id: str) -> str:
    """The id in its canonical form; a malformed one names no leader (404)."""
    try:
        return str(UUID(candidacy_id))
    except ValueError:
        raise HTTPException(status_code=404) from None


def page_path(candidacy_id: str) -> str:
    return f"/leaders/{candidacy_id}"


async def _record(conn: AsyncConnection, key: str, now: datetime) -> dict[str, Any]:
    record = await queries.candidacy(conn, key, now=now)
    if record is None:
        raise HTTPException(status_code=404)
    return record


@router.get("/leaders/{candidacy_id}")
async def leader(
    candidacy_id: str,
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
) -> Response:
    """One candidacy: its status, enterprise, product, standard, scheme, body and history."""
    now = registry.now()
    key = candidacy_key(candidacy_id)
    record = await _record(conn, key, now)
    history = await queries.candidacy_history(conn, key, limit=HISTORY_LIMIT)
    scheme = await queries.scheme(conn, record["scheme_id"])
    body = await queries.body(conn, record["body_id"])
    declaration = await queries.declaration(conn, record["declaration_id"])
    named = await category(conn, record["product"]["category"], now=now)
    bodies = {record["body_id"]: body["name"]} if body else {}
    event = leader_status.status_event(history)
    proof = await leader_proof.prove(conn, event) if event else None
    # The page changes by itself when the title ends, and when a checkpoint covers it.
    fresh_until = cache.earliest_after(
        now,
        [
            record["valid_until"],
            proof and leader_proof.recheck_at(proof, now, settings.audit_checkpoint_interval),
        ],
    )
    url = absolute_url(request, settings, page_path(key))
    return html(
        request,
        "leader.html",
        fresh_until=fresh_until,
        record=record,
        state=leader_status.status(record, history, bodies),
        timeline=leader_status.timeline(history, bodies),
        scheme=scheme,
        body=body,
        declaration=declaration,
        category=named[0] if named else None,
        proof=proof,
        page_url=url,
        api_base=absolute_url(request, settings, ""),
        qr=inline_qr(url),
        grounds=[g.value for g in Grounds],
    )


@router.get("/leaders/{candidacy_id}/qr.svg")
async def leader_qr(
    candidacy_id: str,
    request: Request,
    conn: ReadConn,
    registry: RegistryDep,
    settings: SettingsDep,
) -> Response:
    """The page's QR code as an SVG file, to print on packaging and in tenders."""
    key = candidacy_key(candidacy_id)
    await _record(conn, key, registry.now())
    svg = qr_svg(absolute_url(request, settings, page_path(key)))
    headers = {
        "Content-Disposition": f'inline; filename="leader-{key}.svg"',
        "Cache-Control": QR_CACHE,
    }
    return Response(svg, media_type="image/svg+xml", headers=headers)

"""Search: the best matches of a query among each kind of record, with how many match.

A query is normalised as the documents are (`domain.search_text`); each tier (exact, prefix,
substring) has its probe texts, and a document matches a probe when it holds all the
probe's bigrams (on PostgreSQL, the GIN index on `grams` finds those) and the probe itself
(the recheck, `strpos`: no LIKE, so `%`, `_` and `\\` are plain characters). Per kind, one
statement fetches up to `limit` documents of each tier and counts the matches up to
SEARCH_COUNT_CAP; the rows of the records shown are then read by key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.limits import SEARCH_COUNT_CAP
from domain.search_text import Tier, probe_grams, probes
from projections.queries import held_at
from projections.search_statement import statement, values
from projections.tables import (
    bodies,
    candidacies,
    declarations,
    schemes,
    search_bodies,
    search_declarations,
    search_enterprises,
    search_schemes,
)

log = logging.getLogger(__name__)
SEQSCAN_OFF = text("SET LOCAL enable_seqscan = off")

KINDS: dict[str, Table] = {
    "enterprises": search_enterprises,
    "declarations": search_declarations,
    "evaluation_bodies": search_bodies,
    "schemes": search_schemes,
}


@dataclass(frozen=True)
class Hits:
    """One kind's answer: its best documents' keys, best first, and how many match."""

    keys: list[tuple[str, Tier]]
    total: int
    more: bool  # more than `total` match (the count stopped at SEARCH_COUNT_CAP)


def _contains(table: Table, probe: str, postgres: bool) -> ColumnElement[bool]:
    if postgres:
        return func.strpos(table.c.text, probe) > 0
    return func.instr(table.c.text, probe) > 0


def _matches(table: Table, probe: str, postgres: bool) -> ColumnElement[bool]:
    """Documents holding `probe` (found through its bigrams on PostgreSQL)."""
    found = _contains(table, probe, postgres)
    if not postgres:
        return found
    grams = bindparam(None, probe_grams(probe), type_=ARRAY(Text))
    return and_(table.c.grams.op("@>")(grams), found)


def _tier(table: Table, query: str, postgres: bool) -> ColumnElement[int]:
    """The best tier a (matching) document reaches: 0 exact, 1 prefix, 2 substring."""
    tiers = probes(query)
    return case(
        *[
            (_contains(table, tiers[level], postgres), int(level))
            for level in (Tier.EXACT, Tier.PREFIX)
        ],
        else_=int(Tier.SUBSTRING),
    )


def _key(table: Table) -> ColumnElement[str]:
    return next(iter(table.primary_key.columns))


def _statement(table: Table, query: str, limit: int, postgres: bool) -> Select[Any]:
    """The best `limit` of the first SEARCH_COUNT_CAP + 1 matches, each with its tier and
    the number of those matches (one index scan: the substring probes find every match)."""
    matches = (
        select(_key(table).label("key"), _tier(table, query, postgres).label("tier"))
        .where(_matches(table, probes(query)[Tier.SUBSTRING], postgres))
        .limit(SEARCH_COUNT_CAP + 1)
        .subquery()
    )
    return (
        select(matches.c.key, matches.c.tier, func.count().over().label("total"))
        .order_by(matches.c.tier, matches.c.key)
        .limit(limit)
    )


def _tier_statement(
    table: Table, query: str, level: Tier, limit: int, postgres: bool
) -> Select[str, int]:
    """Up to `limit` documents of one tier (when the matches are too many to rank all)."""
    return (
        select(_key(table).label("key"), literal(int(level)).label("tier"))
        .where(_matches(table, probes(query)[level], postgres))
        .limit(limit)
    )


async def hits(conn: AsyncConnection, kind: str, query: str, limit: int) -> Hits:
    """The best `limit` documents of a kind for a valid query (`query_problem` is None)."""
    table, postgres = KINDS[kind], conn.dialect.name == "postgresql"
    rows = (await conn.execute(_statement(table, query, limit, postgres))).all()
    total = int(rows[0].total) if rows else 0
    best = {key: int(level) for key, level, _ in rows}
    if total > SEARCH_COUNT_CAP:
        # Not every match was ranked: the exact and prefix matches are looked up apart, so
        # that they come first however many documents merely contain the query.
        for level in (Tier.PREFIX, Tier.EXACT):
            statement = _tier_statement(table, query, level, limit, postgres)
            best.update({key: int(tier) for key, tier in await conn.execute(statement)})
    ordered = sorted(best, key=lambda k: (best[k], k))[:limit]
    return Hits(
        [(k, Tier(best[k])) for k in ordered],
        min(total, SEARCH_COUNT_CAP),
        total > SEARCH_COUNT_CAP,
    )


async def _enterprises(conn: AsyncConnection, keys: list[str], now: datetime) -> dict[str, Any]:
    t, c = search_enterprises, candidacies.c
    found = {
        r.credit_code: r for r in await conn.execute(select(t).where(t.c.credit_code.in_(keys)))
    }
    held = {
        code: (int(n), until)
        for code, n, until in await conn.execute(
            select(c.credit_code, func.count(), func.min(c.valid_until))
            .where(c.credit_code.in_(keys), c.status == "awarded", held_at(now))
            .group_by(c.credit_code)
        )
    }
    return {
        k: {
            "credit_code": r.credit_code,
            "name": r.name,
            "former_names": [n for n in r.names if n != r.name][::-1],
            "region": r.region,
            "titles_in_force": held.get(k, (0, None))[0],
            UNTIL: held.get(k, (0, None))[1],
        }
        for k, r in found.items()
    }


async def _declarations(conn: AsyncConnection, keys: list[str], now: datetime) -> dict[str, Any]:
    d = declarations.c
    rows = await conn.execute(select(declarations).where(d.id.in_(keys)))
    return {
        r.id: {
            "id": r.id,
            "credit_code": r.credit_code,
            "enterprise_name": r.enterprise_name,
            "standard_number": r.standard_number,
            "title": r.title,
            "product": {"name": r.product_name, "model": r.product_model, "category": r.category},
            "revision": r.revision,
            "status": r.status,
        }
        for r in rows
    }


async def _bodies(conn: AsyncConnection, keys: list[str], now: datetime) -> dict[str, Any]:
    rows = await conn.execute(select(bodies).where(bodies.c.id.in_(keys)))
    return {r.id: {"id": r.id, "name": r.name, "kind": r.kind, "status": r.status} for r in rows}


async def _schemes(conn: AsyncConnection, keys: list[str], now: datetime) -> dict[str, Any]:
    rows = await conn.execute(select(schemes).where(schemes.c.id.in_(keys)))
    return {
        r.id: {
            "id": r.id,
            "title": r.title,
            "body_id": r.body_id,
            "category": r.category,
            "cycle": r.cycle,
            "level": r.level,
            "region": r.region,
            "status": r.status,
        }
        for r in rows
    }


UNTIL = "_until"  # when an item's count of titles in force next changes (not shown)

RECORDS = {
    "enterprises": _enterprises,
    "declarations": _declarations,
    "evaluation_bodies": _bodies,
    "schemes": _schemes,
}


async def search(
    conn: AsyncConnection, query: str, *, kinds: list[str], limit: int, now: datetime
) -> tuple[dict[str, Any], datetime | None]:
    """Per kind: the best matches (records as lists show them, with their tier) and counts;
    and the moment the answer changes without a new event (a title shown ends), if any."""
    if conn.dialect.name == "postgresql":
        return await _search_postgres(conn, query, kinds=kinds, limit=limit, now=now)
    answer: dict[str, Any] = {"query": query}
    ends: list[datetime] = []
    for kind in KINDS:
        if kind not in kinds:
            answer[kind] = None
            continue
        found = await hits(conn, kind, query, limit)
        keys = [k for k, _ in found.keys]
        records = await RECORDS[kind](conn, keys, now) if keys else {}
        items = [
            {**records[k], "match": level.name.lower()} for k, level in found.keys if k in records
        ]
        ends += [until for item in items if (until := item.pop(UNTIL, None)) is not None]
        answer[kind] = {"items": items, "total": found.total, "more": found.more}
    return answer, min(ends, default=None)


async def _search_postgres(
    conn: AsyncConnection, query: str, *, kinds: list[str], limit: int, now: datetime
) -> tuple[dict[str, Any], datetime | None]:
    """The same answer in one statement (`projections.search_statement`)."""
    # A match's bigrams are often common ones (the planner then expects a sequential scan to
    # find the first matches soon) while the query itself is rare: such a scan reads the
    # whole table. The index bounds the work by the bigrams' postings instead.
    await conn.execute(SEQSCAN_OFF)
    asked = tuple(kind for kind in KINDS if kind in kinds)
    row = (await conn.execute(statement(asked), values(query, limit, now))).one()._mapping
    answer: dict[str, Any] = {"query": query}
    for kind in KINDS:
        answer[kind] = orjson.loads(row[kind]) if kind in asked else None
    return answer, row["until"] if "enterprises" in asked else None


def database_problem(conn: Connection) -> str | None:
    """Why this database cannot search Chinese text (None if it can): it must be UTF-8."""
    if conn.dialect.name != "postgresql":
        return None
    encoding = conn.execute(text("SHOW server_encoding")).scalar_one()
    if str(encoding).upper() not in ("UTF8", "UTF-8"):
        return (
            f"the read database's encoding is {encoding}, not UTF8: it cannot hold Chinese "
            "names, and search cannot find them"
        )
    return None

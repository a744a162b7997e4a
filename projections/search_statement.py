"""Search on PostgreSQL in one statement: every kind's best matches, counts and records.

The same answer as `search_queries.search` builds on SQLite from several statements, made
by PostgreSQL in one round trip (after `SET LOCAL`): per kind, the first SEARCH_COUNT_CAP + 1
matches found through the GIN index on `grams` (the substring probe finds them all), ranked
by tier and key; when more match than that, the exact and prefix matches looked up apart
(each scan gated by the count, so it runs only then) so that they still come first; then the
records shown, built as JSON by PostgreSQL: the API only parses and re-encodes small texts.
The statement is built once per set of kinds and bound by name (`values`).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.selectable import CTE

from domain.limits import SEARCH_COUNT_CAP
from domain.search_text import Tier, probe_grams, probes
from projections.queries import held_at
from projections.tables import (
    TS,
    bodies,
    candidacies,
    declarations,
    schemes,
    search_bodies,
    search_declarations,
    search_enterprises,
    search_schemes,
)

PROBES = {level: bindparam(f"probe_{level.name.lower()}", type_=Text) for level in Tier}
GRAMS = {level: bindparam(f"grams_{level.name.lower()}", type_=ARRAY(Text)) for level in Tier}
LIMIT = bindparam("limit", type_=Integer)
NOW = bindparam("now", type_=TS)
EMPTY: ColumnElement[Any] = literal_column("'[]'::json")


def values(query: str, limit: int, now: datetime) -> dict[str, Any]:
    """The statement's parameters for a (valid) query."""
    found = probes(query)
    return {
        "limit": limit,
        "now": now,
        **{f"probe_{level.name.lower()}": probe for level, probe in found.items()},
        **{f"grams_{level.name.lower()}": probe_grams(probe) for level, probe in found.items()},
    }


def _object(**fields: Any) -> ColumnElement[Any]:
    """A JSON object of these fields, in this order (the names written into the statement)."""
    pairs: list[Any] = []
    for name, value in fields.items():
        pairs += [literal_column(f"'{name}'"), value]
    return func.json_build_object(*pairs)


def _match(best: CTE) -> ColumnElement[str]:
    """The item's `match`: its tier's name."""
    return case({int(level): level.name.lower() for level in Tier}, value=best.c.tier)


def _key(table: Table) -> ColumnElement[str]:
    return next(iter(table.primary_key.columns))


def _holds(table: Table, level: Tier) -> ColumnElement[bool]:
    """Documents holding the tier's probe: its grams through the index, then the text."""
    return and_(table.c.grams.op("@>")(GRAMS[level]), func.strpos(table.c.text, PROBES[level]) > 0)


def matches(table: Table) -> Select[Any]:
    """The first SEARCH_COUNT_CAP + 1 matches, each with the best tier it reaches."""
    tier = case(
        *[(func.strpos(table.c.text, PROBES[lv]) > 0, int(lv)) for lv in (Tier.EXACT, Tier.PREFIX)],
        else_=int(Tier.SUBSTRING),
    )
    return (
        select(_key(table).label("key"), tier.label("tier"))
        .where(_holds(table, Tier.SUBSTRING))
        .limit(SEARCH_COUNT_CAP + 1)
    )


def _best(table: Table, name: str) -> tuple[CTE, ColumnElement[int]]:
    """The kind's best `limit` keys with their tiers, and how many matched (up to the cap+1)."""
    found = matches(table).cte(f"{name}_found")
    count = select(func.count()).select_from(found).scalar_subquery()
    ranked = select(found.c.key, found.c.tier).order_by(found.c.tier, found.c.key).limit(LIMIT)
    apart = [
        select(_key(table).label("key"), literal(int(level)).label("tier"))
        .where(_holds(table, level), count > SEARCH_COUNT_CAP)
        .limit(LIMIT)
        for level in (Tier.PREFIX, Tier.EXACT)
    ]
    every = union_all(*[select(q.subquery()) for q in (ranked, *apart)]).subquery()
    tier = func.min(every.c.tier)
    best = (
        select(every.c.key, tier.label("tier"))
        .group_by(every.c.key)
        .order_by(tier, every.c.key)
        .limit(LIMIT)
        .cte(f"{name}_best")
    )
    return best, count


def _answer(best: CTE, count: ColumnElement[int], item: ColumnElement[Any]) -> Any:
    """A kind's answer as JSON text: its items best first, `total` and `more`."""
    items = func.json_agg(aggregate_order_by(item, best.c.tier, best.c.key))
    return cast(
        _object(
            items=func.coalesce(items, EMPTY),
            total=func.least(count, SEARCH_COUNT_CAP),
            more=count > SEARCH_COUNT_CAP,
        ),
        Text,
    )


def _enterprises() -> Select[Any]:
    best, count = _best(search_enterprises, "enterprises")
    e, c = search_enterprises.c, candidacies.c
    held = (
        select(func.count().label("titles"), func.min(c.valid_until).label("until"))
        .where(c.credit_code == best.c.key, c.status == "awarded", held_at(NOW))
        .lateral("held")
    )
    names = func.json_array_elements_text(e.names).table_valued("value", with_ordinality="n")
    names = names.render_derived()
    latest_first = aggregate_order_by(names.c.value, names.c.n.desc())
    former = (
        select(func.coalesce(func.json_agg(latest_first), EMPTY))
        .where(names.c.value != e.name)
        .scalar_subquery()
    )
    item = _object(
        credit_code=e.credit_code,
        name=e.name,
        former_names=former,
        region=e.region,
        titles_in_force=held.c.titles,
        match=_match(best),
    )
    return select(
        _answer(best, count, item).label("enterprises"), func.min(held.c.until).label("until")
    ).select_from(best.join(search_enterprises, e.credit_code == best.c.key).join(held, true()))


def _declarations() -> Select[Any]:
    best, count = _best(search_declarations, "declarations")
    d = declarations.c
    item = _object(
        id=d.id,
        credit_code=d.credit_code,
        enterprise_name=d.enterprise_name,
        standard_number=d.standard_number,
        title=d.title,
        product=_object(name=d.product_name, model=d.product_model, category=d.category),
        revision=d.revision,
        status=d.status,
        match=_match(best),
    )
    joined = best.join(declarations, d.id == best.c.key)
    return select(_answer(best, count, item).label("declarations")).select_from(joined)


def _bodies() -> Select[Any]:
    best, count = _best(search_bodies, "evaluation_bodies")
    b = bodies.c
    item = _object(id=b.id, name=b.name, kind=b.kind, status=b.status, match=_match(best))
    joined = best.join(bodies, b.id == best.c.key)
    return select(_answer(best, count, item).label("evaluation_bodies")).select_from(joined)


def _schemes() -> Select[Any]:
    best, count = _best(search_schemes, "schemes")
    s = schemes.c
    item = _object(
        id=s.id,
        title=s.title,
        body_id=s.body_id,
        category=s.category,
        cycle=s.cycle,
        level=s.level,
        region=s.region,
        status=s.status,
        match=_match(best),
    )
    joined = best.join(schemes, s.id == best.c.key)
    return select(_answer(best, count, item).label("schemes")).select_from(joined)


KINDS = {
    "enterprises": _enterprises,
    "declarations": _declarations,
    "evaluation_bodies": _bodies,
    "schemes": _schemes,
}


@functools.cache
def statement(kinds: tuple[str, ...]) -> Select[Any]:
    """One row: per kind asked for, its answer as JSON text (and, with enterprises, `until`:
    the first moment a title shown ends)."""
    parts = [KINDS[kind]().subquery(kind) for kind in kinds]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, true())  # type: ignore[assignment]
    return select(*[column for part in parts for column in part.c]).select_from(joined)

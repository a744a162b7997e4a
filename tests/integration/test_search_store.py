"""Search on both stores: the projection's documents and the query over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from domain.values import Enterprise, Product
from projections import queries, search_queries
from projections.running.read_side import ReadSide
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, PLATFORM, World, award_cycle, build_world, credit_code

TIANJIN, HAIER, QINGDAO, PERCENT, UNDERSCORE = (credit_code(n) for n in range(60, 65))


def declare(world: World, code: str, name: str, number: str, model: str, title: str) -> str:
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(code, name, "120000"),
        standard_number=number,
        title=title,
        product=Product("分体式空调", model, "C3851"),
        indicators=world.line.declared(1),
        disclosed_on=date(2024, 12, 1),
    )["id"]


@pytest.fixture
def world(registry: LeaderRegistry, clock: Clock) -> World:
    world = build_world(registry, clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50])  # some of the four fridge makers lead
    declare(
        world, TIANJIN, "天津甲空调有限公司", "Q/TJK 0035-2025", "KFR-35GW/BP3", "房间空气调节器"
    )
    declare(world, HAIER, "海尔智家股份有限公司", "Q/QH 0470-2025", "BCD-470WGHTD", "家用电冰箱")
    declare(
        world, QINGDAO, "青岛海尔空调器有限总公司", "Q/QD 0001-2025", "KFR-26GW", "房间空气调节器"
    )
    declare(world, PERCENT, "百分百%电器有限公司", "Q/BF 0100-2025", "P-100", "电器")
    declare(world, UNDERSCORE, "下划_线电器有限公司", "Q/XH 0001-2025", "U_1", "电器")
    return world


@pytest.fixture
async def read(store: Settings, registry: LeaderRegistry) -> AsyncIterator[ReadSide]:
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    yield side
    await side.close()


async def search(side: ReadSide, q: str, now: Any, limit: int = 10) -> dict[str, Any]:
    assert side.follower is not None
    side.follower.catch_up()
    kinds = list(search_queries.KINDS)
    async with side.engine.connect() as conn:
        found, _ = await search_queries.search(conn, q, kinds=kinds, limit=limit, now=now)
        return found


def names(found: dict[str, Any], kind: str = "enterprises") -> list[str]:
    key = {"enterprises": "name", "declarations": "standard_number"}.get(kind, "id")
    return [item[key] for item in found[kind]["items"]]


async def test_substrings_and_two_character_queries_find_enterprises_best_first(
    world: World, read: ReadSide, clock: Clock
) -> None:
    now = clock.now
    found = await search(read, "天津甲", now)
    assert names(found) == ["天津甲空调有限公司"]
    assert found["enterprises"]["items"][0]["match"] == "prefix"
    assert found["enterprises"]["total"] == 1 and not found["enterprises"]["more"]
    haier = await search(read, "海尔", now)
    assert names(haier) == ["海尔智家股份有限公司", "青岛海尔空调器有限总公司"]
    assert [i["match"] for i in haier["enterprises"]["items"]] == ["prefix", "substring"]
    exact = await search(read, " 海尔智家股份有限公司 ", now)
    assert exact["enterprises"]["items"][0]["match"] == "exact"
    assert (await search(read, "海尔空调器有限总公司x", now))["enterprises"]["items"] == []


async def test_a_model_matches_with_or_without_separators(
    world: World, read: ReadSide, clock: Clock
) -> None:
    for spelling in ("KFR-35GW", "kfr35gw", "KFR 35GW", "ＫＦＲ－３５ＧＷ", "35gw/bp"):
        found = await search(read, spelling, clock.now)
        assert names(found, "declarations") == ["Q/TJK 0035-2025"], spelling
        hit = found["declarations"]["items"][0]
        assert hit["product"]["model"] == "KFR-35GW/BP3" and hit["credit_code"] == TIANJIN
    both = await search(read, "kfr", clock.now)
    assert both["declarations"]["total"] == 2
    standard = await search(read, "q/tjk0035-2025", clock.now)
    assert names(standard, "declarations") == ["Q/TJK 0035-2025"]
    assert standard["declarations"]["items"][0]["match"] == "exact"


async def test_a_credit_code_finds_its_enterprise_and_titles_in_force(
    world: World, read: ReadSide, clock: Clock
) -> None:
    now = clock.now
    found = await search(read, TIANJIN, now)
    assert found["enterprises"]["items"][0]["credit_code"] == TIANJIN
    assert found["enterprises"]["items"][0]["match"] == "exact"
    assert (await search(read, TIANJIN[:8].lower(), now))["enterprises"]["total"] >= 1
    makers = await search(read, "fridge maker", now, limit=50)
    held = {i["credit_code"]: i["titles_in_force"] for i in makers["enterprises"]["items"]}
    async with read.engine.connect() as conn:
        leaders = await queries.leaders(conn, now=now)
    leading = {item["enterprise"]["credit_code"] for item in leaders["items"]}
    assert len(held) == 4 and 0 < len(leading) < 4
    assert {code for code, n in held.items() if n} == leading
    async with read.engine.connect() as conn:  # cached answers last until a title shown ends
        _, until = await search_queries.search(
            conn, "fridge maker", kinds=["enterprises"], limit=50, now=now
        )
    assert until == min(datetime.fromisoformat(i["valid_until"]) for i in leaders["items"])


async def test_wildcards_are_plain_characters(world: World, read: ReadSide, clock: Clock) -> None:
    now = clock.now
    assert names(await search(read, "百%电", now)) == ["百分百%电器有限公司"]
    assert names(await search(read, "%电", now)) == ["百分百%电器有限公司"]
    assert names(await search(read, "划_线", now)) == ["下划_线电器有限公司"]
    for literal in ("%%", "__", "\\\\", "%_", "' OR 1=1 --"):
        found = await search(read, literal, now)
        assert all(found[k]["total"] == 0 for k in search_queries.KINDS), literal


async def test_bodies_and_schemes_by_name_and_title(
    world: World, read: ReadSide, clock: Clock
) -> None:
    body = world.registry.register_body(
        PLATFORM.__class__("admin", "ops"),
        name="华东能效检测中心",
        kind="testing_institute",
        categories=["C3851"],
    )["id"]
    scheme = world.registry.draft_scheme(
        world.body,
        title="2026年度冰箱能效领跑者",
        category="C3851",
        cycle=2026,
        level="national",
        region="",
        indicators=world.line.indicators,
        top_n=2,
        publicity_days=10,
        validity_days=365,
    )["id"]
    found = await search(read, "能效", clock.now)
    assert [i["id"] for i in found["evaluation_bodies"]["items"]] == [body]
    assert [i["id"] for i in found["schemes"]["items"]] == [scheme]
    assert found["schemes"]["items"][0]["status"] == "draft"


async def test_revisions_and_renames_rewrite_the_documents(
    world: World, read: ReadSide, clock: Clock
) -> None:
    first = await search(read, "KFR-35GW", clock.now)
    (declaration,) = first["declarations"]["items"]
    world.registry.revise_declaration(
        PLATFORM,
        declaration["id"],
        title="房间空气调节器",
        product=Product("分体式空调", "KFR-72LW", "C3851"),
        indicators={"eei": Decimal(30), "noise": Decimal(38)},
        disclosed_on=date(2024, 12, 2),
    )
    declare(
        world, TIANJIN, "天津甲空调集团有限公司", "Q/TJK 0036-2025", "KFR-50LW", "房间空气调节器"
    )
    assert (await search(read, "KFR35GW", clock.now))["declarations"]["total"] == 0
    revised = await search(read, "kfr72lw", clock.now)
    assert [i["revision"] for i in revised["declarations"]["items"]] == [2]
    for name in ("天津甲空调集团", "天津甲空调有限"):  # the new name, and the former one
        (hit,) = (await search(read, name, clock.now))["enterprises"]["items"]
        assert hit["name"] == "天津甲空调集团有限公司"
        assert hit["former_names"] == ["天津甲空调有限公司"]


async def test_postgres_serves_a_two_character_query_from_the_index(
    store: Settings, world: World, read: ReadSide, clock: Clock
) -> None:
    if not store.is_postgres:
        pytest.skip("SQLite reads its embedded-scale documents without an index")
    await search(read, "海尔", clock.now)
    statement = search_queries._statement(search_queries.KINDS["enterprises"], "海尔", 10, True)
    with read.writer.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # the tables are small here
        compiled = statement.compile(dialect=conn.dialect)
        rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
        plan = "\n".join(row[0] for row in rows)
    assert "ix_search_enterprises_grams" in plan and "Seq Scan" not in plan, plan


def test_the_read_database_can_hold_chinese(store: Settings, read: ReadSide) -> None:
    with read.writer.connect() as conn:  # the test server is UTF8 (C.UTF-8 ctype)
        assert search_queries.database_problem(conn) is None

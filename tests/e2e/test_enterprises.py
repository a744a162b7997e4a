"""Enterprises: the list (paged, filtered) and one enterprise's names over time,
declarations and titles in force, now and as of a moment; on both stores."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.credit_code import make_credit_code
from domain.values import Enterprise, Product
from service.schemas.enterprises import EnterpriseItem, EnterpriseRecord
from tests.e2e.api import Api, assert_problem
from tests.worlds import CATEGORY, ENERGY, PLATFORM, REGION, World, award_cycle, build_world
from tests.worlds import credit_code as code_of


def redeclare(world: World, n: int, name: str, number: str, region: str = REGION) -> str:
    """The n-th enterprise declares another standard, under `name`."""
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(code_of(n), name, region),
        standard_number=number,
        title="Household refrigerators",
        product=Product("Refrigerator", f"BCD-9{n}", CATEGORY),
        indicators=world.line.declared(n),
        disclosed_on=date(2024, 12, 1),
    )["id"]


async def page(api: Api, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api.read("/v1/enterprises", **params)).json()
    for item in found["items"]:
        EnterpriseItem.model_validate(item)
    return found


async def one(api: Api, code: str, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api.read(f"/v1/enterprises/{code}", **params)).json()
    EnterpriseRecord.model_validate(found)
    return found


async def test_the_list_pages_every_enterprise_in_credit_code_order_with_filters(
    api: Api,
) -> None:
    world = build_world(api.registry, api.clock, line=ENERGY)
    award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)  # the first enterprise holds a title
    elsewhere = make_credit_code("91", "310000", 77)
    world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(elsewhere, "Shanghai Maker", "310000"),
        standard_number="Q/SH 0001-2024",
        title="Household refrigerators",
        product=Product("Refrigerator", "SH-1", CATEGORY),
        indicators=world.line.declared(1),
        disclosed_on=date(2024, 12, 1),
    )
    await api.settle()
    everyone = await page(api)
    codes = sorted([code_of(n) for n in range(4)] + [elsewhere])
    assert everyone["total"] == 5
    assert [i["credit_code"] for i in everyone["items"]] == codes
    second = await page(api, limit=2, offset=2)
    assert second["total"] == 5 and second["limit"] == 2 and second["offset"] == 2
    assert [i["credit_code"] for i in second["items"]] == codes[2:4]
    shanghai = await page(api, region="310000")
    assert [(i["name"], i["declarations"]) for i in shanghai["items"]] == [("Shanghai Maker", 1)]
    holders = await page(api, has_title_in_force="true")
    assert [i["credit_code"] for i in holders["items"]] == [code_of(0)]
    others = await page(api, has_title_in_force="false")
    assert others["total"] == 4 and code_of(0) not in {i["credit_code"] for i in others["items"]}


async def test_an_enterprise_shows_its_names_declarations_and_titles_now_and_as_of(
    api: Api,
) -> None:
    world = build_world(api.registry, api.clock, line=ENERGY)
    before_rename = api.clock.advance(days=1)
    api.clock.advance(days=1)
    redeclare(world, 0, "Fridge Maker 0 Group", "Q/TJ 9000-2025", region="120100")
    api.clock.advance(days=1)
    scheme, candidacies = award_cycle(world, 2024, [40, 45, 45, 50], top_n=1)
    await api.settle()
    code = code_of(0)
    now = await one(api, code)
    assert (now["name"], now["region"]) == ("Fridge Maker 0 Group", "120100")
    names = [(u["name"], u["declarations"]) for u in now["names"]]
    assert names == [("Fridge Maker 0", 1), ("Fridge Maker 0 Group", 1)]
    assert now["names"][0]["first_position"] < now["names"][1]["first_position"]
    assert now["declarations_total"] == 2
    assert [d["standard_number"] for d in now["declarations"]] == [
        "Q/TJ 9000-2025",
        "Q/TJ 0000-2024",
    ]
    assert now["declarations"][1]["product"]["model"] == "BCD-200"
    assert [t["candidacy_id"] for t in now["titles_in_force"]] == [candidacies[0]]
    assert now["titles_in_force"][0]["scheme_id"] == scheme
    assert now["titles_in_force"][0]["status"] == "awarded"

    then = await one(api, code, as_of=before_rename.isoformat())
    assert (then["name"], then["region"]) == ("Fridge Maker 0", REGION)
    assert [u["name"] for u in then["names"]] == ["Fridge Maker 0"]
    assert then["declarations_total"] == 1 and then["titles_in_force"] == []
    assert then["as_of"] == before_rename.isoformat()

    later = api.clock.now + timedelta(days=400)  # past the title's validity
    assert (await one(api, code, as_of=later.isoformat()))["titles_in_force"] == []
    earliest = (api.clock.now - timedelta(days=30)).isoformat()  # before any declaration
    assert_problem(await api.client.get(f"/v1/enterprises/{code}", params={"as_of": earliest}), 404)
    assert_problem(await api.client.get(f"/v1/enterprises/{code_of(99)}"), 404)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/enterprises", {"region": "12"}, "region"),
        ("/v1/enterprises", {"has_title_in_force": "maybe"}, "has_title_in_force"),
        ("/v1/enterprises", {"limit": "0"}, "limit"),
        ("/v1/enterprises", {"offset": "-1"}, "offset"),
        ("/v1/enterprises", {"limit": "100000"}, "limit"),
        ("/v1/enterprises/91120000MA05X", {}, "credit_code"),
        (f"/v1/enterprises/{code_of(1)}", {"as_of": "2025-01-01"}, "as_of"),
        (f"/v1/enterprises/{code_of(1)}", {"as_of": "1066-10-14T00:00:00Z"}, "as_of"),
    ],
)
async def test_bad_input_is_refused_naming_the_parameter(
    api: Api, path: str, params: dict[str, str], field: str
) -> None:
    before = api.head()
    assert_problem(await api.client.get(path, params=params), 422, field)
    assert api.head() == before

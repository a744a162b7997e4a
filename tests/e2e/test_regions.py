"""Rule 19 over the API, on both stores: a made-up region, a district's code on a provincial
list and a province's on a national one are refused naming the field; nothing recorded."""

from __future__ import annotations

from typing import Any

from domain.credit_code import make_credit_code
from tests.e2e.api import Api, assert_problem
from tests.e2e.test_top_share import SCHEME
from tests.worlds import ENERGY, build_world


def declared(region: str) -> dict[str, Any]:
    return {
        "enterprise": {
            "credit_code": make_credit_code("91", "120000", 4242),
            "name": "Tianjin Cooling Co.",
            "region": region,
        },
        "standard_number": "Q/12TC 0001-2025",
        "title": "Refrigerator",
        "product": {"name": "Refrigerator", "model": "BCD-1", "category": "C3851"},
        "indicators": {"eei": "50"},
        "disclosed_on": "2025-01-15",
        "commitment": True,
    }


async def test_regions_outside_the_table_or_of_another_level_are_refused(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    body = (await api.issue("evaluation_body", world.body_id))["token"]
    platform = (await api.issue("platform", "feed"))["token"]
    head = api.head()
    for region in ("999999", "120199", "000000"):
        response = await api.post("/v1/declarations", declared(region), platform)
        assert_problem(response, 422, "enterprise.region")
    for level, region in (
        ("provincial", "120101"),  # a district's code on a provincial list
        ("national", "120000"),  # a province's on a national one
        ("municipal", "120000"),
        ("provincial", "999999"),
    ):
        scheme = {**SCHEME, "top_n": 3, "level": level, "region": region}
        assert_problem(await api.post("/v1/schemes", scheme, body), 422, "region")
    assert api.head() == head
    accepted = await api.post("/v1/declarations", declared("120101"), platform)
    assert accepted.status_code == 201, accepted.text
    local = {**SCHEME, "top_n": 3, "level": "municipal", "region": "120100"}
    assert (await api.post("/v1/schemes", local, body)).status_code == 201

"""GET /v1/search over HTTP on both stores: what a newcomer types, and what they must not."""

from __future__ import annotations

from typing import Any

import pytest

from domain.credit_code import make_credit_code
from tests.e2e.api import Api, assert_problem

CATEGORY = "C3852"
MAKERS = [
    # (name, standard number, product name, model)
    ("宁波乙电器股份有限公司", "Q/NB 0108-2025", "变频空调", "KFR-35GW/BP3DN1Y"),
    ("乙电器(苏州)有限公司", "Q/SZ 0002-2025", "滚筒洗衣机", "XQG100-14B"),
    ("丙丁家电有限公司", "Q/BD 0350-2025", "冷柜 100%铜管", "BD/BC-203_KMT"),
]
CODES = [make_credit_code("91", "330200", 88_000 + n) for n in range(len(MAKERS))]


@pytest.fixture
async def seeded(api: Api) -> Api:
    """Three enterprises' declarations, a body and its scheme, recorded over HTTP."""
    platform = (await api.issue("platform", "feed"))["token"]
    for code, (name, number, product, model) in zip(CODES, MAKERS, strict=True):
        declared = await api.post(
            "/v1/declarations",
            {
                "enterprise": {"credit_code": code, "name": name, "region": "330200"},
                "standard_number": number,
                "title": "家用电器能效企业标准",
                "product": {"name": product, "model": model, "category": CATEGORY},
                "indicators": {"eei": "50"},
                "disclosed_on": "2025-01-15",
                "commitment": True,
            },
            platform,
        )
        assert declared.status_code == 201, declared.text
    body = await api.post(
        "/v1/evaluation-bodies",
        {"name": "浙东标准化研究院", "kind": "testing_institute", "categories": [CATEGORY]},
        api.admin,
    )
    assert body.status_code == 201, body.text
    await api.settle()
    return api


async def search(api: Api, q: str, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api.read("/v1/search", q=q, **params)).json()
    return found


def enterprises(found: dict[str, Any]) -> list[str]:
    return [item["credit_code"] for item in found["enterprises"]["items"]]


def models(found: dict[str, Any]) -> list[str]:
    return [item["product"]["model"] for item in found["declarations"]["items"]]


async def test_a_two_character_brand_finds_its_enterprises_best_first(seeded: Api) -> None:
    found = await search(seeded, "乙电")
    assert enterprises(found) == [CODES[1], CODES[0]]  # a name's start before its middle
    assert [i["match"] for i in found["enterprises"]["items"]] == ["prefix", "substring"]
    assert found["enterprises"]["total"] == 2 and found["enterprises"]["more"] is False
    assert found["enterprises"]["items"][1]["titles_in_force"] == 0
    assert found["declarations"]["total"] == 0
    assert enterprises(await search(seeded, "宁波乙")) == [CODES[0]]


async def test_a_model_with_or_without_its_separators(seeded: Api) -> None:
    for spelling in ("KFR-35GW/BP3DN1Y", "kfr35gwbp3dn1y", "ＫＦＲ－３５ＧＷ", "kfr 35gw"):
        found = await search(seeded, spelling)
        assert models(found) == ["KFR-35GW/BP3DN1Y"], spelling
    declaration = (await search(seeded, "KFR35GWBP3DN1Y"))["declarations"]["items"][0]
    assert declaration["match"] == "exact" and declaration["credit_code"] == CODES[0]
    opened = await seeded.read(f"/v1/declarations/{declaration['id']}")
    assert opened.json()["product_model"] == "KFR-35GW/BP3DN1Y"


async def test_a_credit_code_and_a_standard_number(seeded: Api) -> None:
    found = await search(seeded, CODES[2])
    assert enterprises(found) == [CODES[2]]
    assert found["enterprises"]["items"][0]["name"] == "丙丁家电有限公司"
    assert models(await search(seeded, "q/sz 0002")) == ["XQG100-14B"]
    assert models(await search(seeded, "QSZ0002")) == ["XQG100-14B"]


async def test_bodies_and_one_kind_at_a_time(seeded: Api) -> None:
    found = await search(seeded, "标准", kind=["evaluation_bodies"], limit=1)
    assert [item["name"] for item in found["evaluation_bodies"]["items"]] == ["浙东标准化研究院"]
    assert found["enterprises"] is None and found["declarations"] is None
    everything = await search(seeded, "标准")
    assert everything["declarations"]["total"] == 3  # every title says 企业标准
    assert len((await search(seeded, "标准", limit=2))["declarations"]["items"]) == 2


async def test_wildcards_mean_themselves(seeded: Api) -> None:
    assert models(await search(seeded, "100%")) == ["BD/BC-203_KMT"]
    assert models(await search(seeded, "3_k")) == ["BD/BC-203_KMT"]
    for literal in ("%%", "__", "\\\\", "_%", "%'; --"):
        found = await search(seeded, literal)
        kinds = ("enterprises", "declarations", "evaluation_bodies", "schemes")
        assert all(found[kind]["total"] == 0 for kind in kinds), literal


BAD: list[tuple[dict[str, Any], str]] = [
    ({"q": ""}, "q"),
    ({"q": "   "}, "q"),
    ({"q": "乙"}, "q"),
    ({"q": "乙" * 1000}, "q"),
    ({"q": "乙\x00电"}, "q"),
    ({"q": "乙\u202e电"}, "q"),
    ({}, "q"),
    ({"q": "乙电", "limit": 0}, "limit"),
    ({"q": "乙电", "limit": 10**12}, "limit"),
    ({"q": "乙电", "limit": "many"}, "limit"),
    ({"q": "乙电", "kind": "people"}, "kind.0"),
]


async def test_bad_input_is_a_problem_naming_the_parameter(api: Api) -> None:
    for params, field in BAD:
        response = await api.client.get("/v1/search", params=params)
        assert_problem(response, 422, field)
    # Broken percent-encodings (a lone surrogate, a bare `%`) are an answer, never a 500.
    for raw in ("q=%ED%A0%80%ED%A0%80", "q=%%", "q=%", "q=%E4%B9"):
        response = await api.client.get(f"/v1/search?{raw}")
        assert response.status_code in (200, 422), (raw, response.text)

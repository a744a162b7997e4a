"""A scheme drafted with its leaders as a top share, over the API on both stores: its
records, list and ranking show the share and the cut-off it gives; bad quotas are refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from service.schemas.lists import SchemeItem
from service.schemas.rankings import RankingPage
from service.schemas.records import SchemeOut
from tests.e2e.api import Api, assert_problem
from tests.worlds import ENERGY, build_world, draft, ranked

SCHEME = {
    "title": "Refrigerators 2027",
    "category": "C3851",
    "cycle": 2027,
    "level": "national",
    "indicators": [
        {"code": "eei", "name": "EEI", "kind": "core", "direction": "lower_is_better",
         "baseline": "60", "weight": "1"},
    ],
    "publicity_days": 10,
    "validity_days": 365,
}  # fmt: skip


async def test_a_share_is_shown_with_the_cut_off_it_gives(api: Api) -> None:
    world = build_world(api.registry, api.clock, 4, line=ENERGY)
    scheme_id = draft(world, 2026, top_share=Decimal("37.5"))  # 4 ranked: 1.5 -> rank 2
    ranked(world, scheme_id, [40, 45, 45, 50])
    await api.settle()
    record = (await api.read(f"/v1/schemes/{scheme_id}")).json()
    SchemeOut.model_validate(record)
    assert (record["top_n"], record["top_share"]) == (None, "37.5")
    listed = (await api.read("/v1/schemes")).json()["items"]
    SchemeItem.model_validate(listed[0])
    assert (listed[0]["top_n"], listed[0]["top_share"]) == (None, "37.5")
    ranking = (await api.read(f"/v1/schemes/{scheme_id}/ranking")).json()
    RankingPage.model_validate(ranking)
    assert (ranking["top_share"], ranking["cutoff_rank"]) == ("37.5", 2)
    assert ranking["counts"]["qualified"] == 3  # the tie at the cut-off is included


async def test_a_quota_must_be_one_of_top_n_or_a_share(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    body = await api.issue("evaluation_body", world.body_id)
    head = api.head()
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "top_n"),
        ({"top_n": 3, "top_share": "10"}, "top_share"),
        ({"top_share": "-1"}, "top_share"),
        ({"top_share": "NaN"}, "top_share"),
    ]
    for quota, field in cases:
        response = await api.post("/v1/schemes", {**SCHEME, **quota}, body["token"])
        assert_problem(response, 422, field)
    assert api.head() == head
    drafted = await api.post("/v1/schemes", {**SCHEME, "top_share": 100}, body["token"])
    assert drafted.status_code == 201, drafted.text

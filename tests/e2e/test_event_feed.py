"""The typed event feed: pages with their cursor and `Link: rel="next"`, filters combined
(OR within one, AND across), and too many filter values refused naming the field."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.api import Api, assert_problem
from tests.worlds import ENERGY, award_cycle, build_world, credit_code


async def everything(api: Api, **params: Any) -> list[dict[str, Any]]:
    """Every page of the feed, following `next_after` (and checking `Link`)."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = await api.read("/v1/events", **params, after=after, limit=7)
        body = page.json()
        assert len(body["items"]) <= 7 and body["limit"] == 7
        found += body["items"]
        if not body["more"]:
            assert "Link" not in page.headers
            assert body["next_after"] == (found[-1]["position"] if found else 0)
            return found
        link, rel = page.headers["Link"].split(">; ")
        assert rel == 'rel="next"'
        query = parse_qs(urlsplit(link.removeprefix("<")).query)
        assert query["after"] == [str(body["next_after"])] and query["limit"] == ["7"]
        for name, value in params.items():
            assert query[name] == (value if isinstance(value, list) else [str(value)])
        after = body["next_after"]


async def test_pages_filters_and_their_limits(api: Api) -> None:
    world = build_world(api.registry, api.clock, line=ENERGY)
    scheme, candidacies = award_cycle(world, 2024, [40, 45, 45, 50])
    await api.settle()
    feed = await everything(api)
    positions = [e["position"] for e in feed]
    assert positions == sorted(set(positions)) and len(feed) > 20
    empty = (await api.read("/v1/events", after=positions[-1])).json()
    assert empty == {"items": [], "next_after": positions[-1], "more": False, "limit": 100}

    awarded = await everything(api, type=["Candidacy.Awarded", "Candidacy.Ranked"])
    assert {e["type"] for e in awarded} == {"Candidacy.Awarded", "Candidacy.Ranked"}
    assert awarded == [e for e in feed if e["type"] in ("Candidacy.Awarded", "Candidacy.Ranked")]
    one = await everything(api, candidacy_id=candidacies[0], type="Candidacy.Ranked")
    assert [(e["type"], e["candidacy_id"]) for e in one] == [("Candidacy.Ranked", candidacies[0])]
    in_scheme = await everything(api, scheme_id=scheme)
    assert {e["aggregate_id"] for e in in_scheme} >= {scheme, *candidacies}
    by_body = await everything(api, body_id=world.body_id)
    assert by_body[0]["type"] == "EvaluationBody.Registered"
    assert await everything(api, category="C9999") == []

    too_many = [f"C{n}" for n in range(21)]
    assert_problem(
        await api.client.get("/v1/events", params={"category": too_many}), 422, "category"
    )
    # 20 + 20 + 10 + 4 values (repeats count once): over the 50 in all, each field within.
    in_all: dict[str, list[str]] = {
        "category": [f"C{n}" for n in range(20)],
        "body_id": [f"00000000-0000-0000-0000-{n:012d}" for n in range(20)],
        "candidacy_id": candidacies[:4] * 5,
    }
    assert (await api.client.get("/v1/events", params=in_all)).status_code == 200
    in_all["credit_code"] = [credit_code(n) for n in range(10)]
    problem = assert_problem(await api.client.get("/v1/events", params=in_all), 422)
    assert problem["field"] in ("category", "body_id") and "50" in problem["detail"]

"""`as_of` on single reads: a candidacy, a scheme, its ranking and an enterprise answer as
the registry stood at that moment (404 before the record existed); on both stores."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from service.schemas.enterprises import EnterpriseRecord
from service.schemas.rankings import RankingPage
from tests.e2e.api import Api, assert_problem
from tests.worlds import ENERGY, PLATFORM, build_world, credit_code, draft, enter_and_evaluate

SECOND = timedelta(seconds=1)


async def at(api: Api, path: str, moment: datetime, status: int = 200) -> dict[str, Any]:
    response = await api.client.get(path, params={"as_of": moment.isoformat()})
    if status != 200:
        return dict(assert_problem(response, status))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_single_reads_answer_as_the_registry_stood(api: Api) -> None:
    clock = api.clock
    before = clock.now - SECOND
    world = build_world(api.registry, clock, line=ENERGY)
    drafted = clock.advance(days=1)
    scheme = draft(world, 2024, top_n=1)
    entered = clock.advance(days=1)
    leader, second, _, excluded = enter_and_evaluate(world, scheme, [40, 45, 50, "no report"])
    published = clock.advance(days=1)
    world.registry.publish_ranking(world.body, scheme)
    awarded = clock.advance(days=10)
    world.registry.award(world.body, scheme)
    withdrawn = clock.advance(days=1)
    world.registry.withdraw_declaration(PLATFORM, world.declarations[3], reason="discontinued")
    await api.settle()
    candidacy, scheme_path = f"/v1/candidacies/{leader}", f"/v1/schemes/{scheme}"
    ranking, enterprise = f"{scheme_path}/ranking", f"/v1/enterprises/{credit_code(0)}"

    # Before each record existed: 404.
    await at(api, candidacy, entered - SECOND, 404)
    await at(api, scheme_path, drafted - SECOND, 404)
    await at(api, ranking, drafted - SECOND, 404)
    await at(api, enterprise, before, 404)

    # The candidacy: evaluated, then publicised with its rank, then a leader.
    evaluated = await at(api, candidacy, entered)
    assert (evaluated["status"], evaluated["rank"], evaluated["score"]) == ("evaluated", None, None)
    assert evaluated["is_leader"] is False and evaluated["awarded_at"] is None
    publicised = await at(api, candidacy, published)
    assert (publicised["status"], publicised["rank"]) == ("publicised", 1)
    assert publicised["valid_until"] is None and publicised["is_leader"] is False
    leading = await at(api, candidacy, awarded)
    assert leading["status"] == "awarded" and leading["is_leader"] is True
    assert (await api.read(candidacy)).json()["status"] == "awarded"

    # The scheme: approved with its candidates so far, then ranked, then awarded.
    approved = await at(api, scheme_path, drafted)
    assert (approved["status"], approved["ranked_at"], approved["candidates"]) == (
        "approved",
        None,
        0,
    )
    ranked = await at(api, scheme_path, published)
    assert ranked["status"] == "ranked" and ranked["candidates"] == 4
    assert ranked["ranked_at"] is not None and ranked["awarded_at"] is None
    assert (await at(api, scheme_path, withdrawn))["status"] == "awarded"

    # Its ranking: unpublished (the exclusion already known), then published, then awarded.
    early = await at(api, ranking, entered)
    RankingPage.model_validate(early)
    assert early["published"] is False and early["items"] == [] and early["total"] == 0
    assert early["counts"] == {"entered": 4, "ranked": 0, "qualified": 0, "not_ranked": 1}
    assert early["as_of"] == entered.isoformat()
    early_excluded = await api.client.get(
        ranking, params={"as_of": entered.isoformat(), "section": "not_ranked"}
    )
    assert [e["candidacy_id"] for e in early_excluded.json()["items"]] == [excluded]
    shown = await at(api, ranking, published)
    assert shown["published"] is True and shown["scheme"]["status"] == "ranked"
    statuses = [(e["candidacy_id"], e["status"], e["awarded_at"]) for e in shown["items"]]
    assert statuses[:2] == [(leader, "publicised", None), (second, "ranked", None)]
    final = await at(api, ranking, awarded)
    assert final["items"][0]["status"] == "awarded" and final["items"][0]["awarded_at"]

    # The enterprise whose standard was withdrawn: active then, withdrawn now.
    fourth = f"/v1/enterprises/{credit_code(3)}"
    then = await at(api, fourth, awarded)
    EnterpriseRecord.model_validate(then)
    assert [d["status"] for d in then["declarations"]] == ["active"]
    assert [d["status"] for d in (await api.read(fourth)).json()["declarations"]] == ["withdrawn"]
    held = await at(api, enterprise, awarded)
    assert [t["candidacy_id"] for t in held["titles_in_force"]] == [leader]
    assert (await at(api, enterprise, published))["titles_in_force"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/v1/candidacies/x",
        "/v1/schemes/x",
        "/v1/schemes/x/ranking",
        f"/v1/enterprises/{credit_code(0)}",
    ],
)
async def test_a_bad_moment_is_refused_naming_as_of(api: Api, path: str) -> None:
    for moment in ("2025-01-01", "yesterday", "2025-01-01T00:00:00", "9999-01-01T00:00:00Z"):
        assert_problem(await api.client.get(path, params={"as_of": moment}), 422, "as_of")

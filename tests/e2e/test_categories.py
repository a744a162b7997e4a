"""The category catalogue over HTTP, on both stores: admins define and rename, anyone reads
it with its counts, and titles, rankings and histories show a category's name by its code."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, assert_problem, serve
from tests.worlds import (
    CATEGORY,
    ENERGY,
    OTHER_CATEGORY,
    World,
    award_cycle,
    build_world,
    credit_code,
    draft,
    register_body,
)

FRIDGES = {"code": CATEGORY, "name_zh": "家用电冰箱", "name_en": "Household refrigerators"}


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with serve(settings, clock, signed_in=True) as api:
        yield api


def awarded(api: Api) -> tuple[World, str]:
    """A scheme of CATEGORY awarded to its best two candidates, and a draft of another code."""
    world = build_world(api.registry, api.clock, line=ENERGY)
    scheme, _ = award_cycle(world, 2024, [40, 45, 50, 55], top_n=2, validity_days=30)
    draft(world, 2025, approve=None)
    washers, _ = register_body(api.registry, "Washer Institute", [OTHER_CATEGORY])
    draft(World(api.registry, api.clock, washers, ENERGY), 2025, category=OTHER_CATEGORY)
    return world, scheme


async def test_an_admin_defines_a_category_once_and_anyone_reads_it(api: Api) -> None:
    defined = await api.client.post("/v1/categories", json=FRIDGES)
    assert defined.status_code == 201, defined.text
    assert defined.headers["location"] == f"/v1/categories/{CATEGORY}"
    head = api.head()
    again = await api.client.post("/v1/categories", json={**FRIDGES, "name_zh": "冰箱"})
    assert_problem(again, 409, "code")
    assert api.head() == head

    api.client.headers.pop("Authorization")
    one = (await api.read(f"/v1/categories/{CATEGORY}", min_position=head)).json()
    assert {k: one[k] for k in FRIDGES} == FRIDGES
    assert (one["schemes"], one["titles_in_force"], one["renamed_at"], one["version"]) == (
        0,
        0,
        None,
        1,
    )
    page = (await api.read("/v1/categories")).json()
    assert (page["total"], page["limit"], page["offset"]) == (1, 50, 0)
    assert page["items"] == [one]
    assert_problem(await api.client.get(f"/v1/categories/{OTHER_CATEGORY}"), 404)
    assert_problem(await api.client.get("/v1/categories/c3851"), 422, "code")
    assert_problem(await api.client.get("/v1/categories", params={"limit": 0}), 422, "limit")


async def test_the_catalogue_counts_schemes_and_titles_in_force(api: Api) -> None:
    awarded(api)
    await api.post("/v1/categories", FRIDGES, api.admin)
    other = {"code": OTHER_CATEGORY, "name_zh": "洗衣机", "name_en": "Washing machines"}
    await api.client.post("/v1/categories", json=other)
    page = (await api.read("/v1/categories", min_position=api.head())).json()
    counts = {i["code"]: (i["schemes"], i["titles_in_force"]) for i in page["items"]}
    assert counts == {CATEGORY: (2, 2), OTHER_CATEGORY: (1, 0)}
    second = (await api.read("/v1/categories", limit=1, offset=1)).json()
    assert [i["code"] for i in second["items"]] == [OTHER_CATEGORY] and second["total"] == 2

    api.clock.advance(days=31)  # the titles' validity ends: the count follows, cached or not
    one = (await api.read(f"/v1/categories/{CATEGORY}")).json()
    assert (one["schemes"], one["titles_in_force"]) == (2, 0)
    page = (await api.read("/v1/categories")).json()
    assert page["items"][0]["titles_in_force"] == 0


async def test_titles_rankings_and_histories_show_the_name_and_follow_a_rename(
    api: Api,
) -> None:
    world, scheme = awarded(api)
    holder = credit_code(0)
    paths = {
        "leaders": f"/v1/leaders?category={CATEGORY}",
        "candidacy": f"/v1/candidacies/{world.candidacies[0]}",
        "ranking": f"/v1/schemes/{scheme}/ranking",
        "history": f"/v1/enterprises/{holder}/history",
    }

    async def names() -> dict[str, set[str | None]]:
        await api.settle()
        leaders = (await api.read(paths["leaders"])).json()["items"]
        candidacy = (await api.read(paths["candidacy"])).json()
        ranking = (await api.read(paths["ranking"])).json()["items"]
        history = (await api.read(paths["history"])).json()
        about = [e for e in history if e["type"] in ("Declaration.Declared", "Candidacy.Entered")]
        assert len(about) == 2
        return {
            "leaders": {t["product"]["category_name"] for t in leaders},
            "candidacy": {candidacy["product"]["category_name"]},
            "ranking": {t["product"]["category_name"] for t in ranking},
            "history": {e["category_name"] for e in about},
        }

    # Not catalogued: no name (and the records stand as they are).
    assert await names() == {key: {None} for key in paths}
    await api.client.post("/v1/categories", json=FRIDGES)
    assert await names() == {key: {"家用电冰箱"} for key in paths}

    renamed = await api.client.post(
        f"/v1/categories/{CATEGORY}/names",
        json={"name_zh": "电冰箱", "reason": "the catalogue's shorter name"},
        headers={"If-Match": '"1"'},
    )
    assert renamed.status_code == 200, renamed.text
    assert await names() == {key: {"电冰箱"} for key in paths}  # no answer cached from before
    one = (await api.read(f"/v1/categories/{CATEGORY}")).json()
    assert (one["name_zh"], one["name_en"], one["version"]) == ("电冰箱", FRIDGES["name_en"], 2)
    assert one["renamed_at"] is not None
    assert (await api.read(f"/v1/categories/{CATEGORY}")).headers["etag"] == '"2"'


async def test_a_rename_is_checked_and_answers_the_usual_problems(api: Api) -> None:
    await api.client.post("/v1/categories", json=FRIDGES)
    head = api.head()
    path = f"/v1/categories/{CATEGORY}/names"
    stale = await api.client.post(
        path, json={"name_en": "Fridges", "reason": "short"}, headers={"If-Match": '"7"'}
    )
    assert_problem(stale, 412)
    same = await api.client.post(path, json={"name_zh": FRIDGES["name_zh"], "reason": "same"})
    assert_problem(same, 409)
    assert_problem(await api.client.post(path, json={"reason": "none"}), 422, "name_zh")
    assert_problem(await api.client.post(path, json={"name_en": "Fridges"}), 422, "reason")
    unknown = f"/v1/categories/{OTHER_CATEGORY}/names"
    assert_problem(await api.client.post(unknown, json={"name_en": "X", "reason": "r"}), 404)
    bad = await api.client.post("/v1/categories", json={**FRIDGES, "code": "C 1"})
    assert_problem(bad, 422, "code")
    assert api.head() == head

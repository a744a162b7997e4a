"""A ranking in pages: the scheme's summary and counts on every page, the ranked entries in
rank order (ties share a rank), those not ranked in their own section; on both stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from projections.tables import schemes
from service.schemas.rankings import RankingPage
from tests.e2e.api import Api, assert_problem
from tests.worlds import ENERGY, build_world, draft, ranked


async def ranking(api: Api, scheme: str, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api.read(f"/v1/schemes/{scheme}/ranking", **params)).json()
    RankingPage.model_validate(found)
    return found


def published(api: Api) -> tuple[str, list[str]]:
    """Seven candidates, lower is better: a tie at rank 2, two excluded; the top 2 qualify."""
    world = build_world(api.registry, api.clock, 7, line=ENERGY)
    scheme = draft(world, 2024, top_n=2)
    values: list[int | str] = [40, 45, 45, "no test report", 50, "expired licence", 55]
    return scheme, ranked(world, scheme, values)


async def test_pages_of_the_ranked_entries_carry_the_summary_and_counts(api: Api) -> None:
    scheme, candidacies = published(api)
    await api.settle()
    first = await ranking(api, scheme, limit=2)
    second = await ranking(api, scheme, limit=2, offset=2)
    last = await ranking(api, scheme, limit=2, offset=4)
    for page in (first, second, last):
        assert page["scheme"]["id"] == scheme and page["scheme"]["status"] == "ranked"
        assert page["published"] is True and page["section"] == "ranked"
        assert page["counts"] == {"entered": 7, "ranked": 5, "qualified": 3, "not_ranked": 2}
        assert (page["top_n"], page["cutoff_rank"], page["total"]) == (2, 2, 5)
    entries = first["items"] + second["items"] + last["items"]
    assert [e["rank"] for e in entries] == [1, 2, 2, 4, 5]
    assert [e["qualified"] for e in entries] == [True, True, True, False, False]
    expected = [candidacies[i] for i in (0, 1, 2, 4, 6)]
    assert [e["candidacy_id"] for e in entries] == expected  # the tie by credit code
    assert all(e["reason"] is None and e["breakdown"] for e in entries)
    assert (first["limit"], second["offset"], len(last["items"])) == (2, 2, 1)
    beyond = await ranking(api, scheme, offset=50)
    assert beyond["items"] == [] and beyond["total"] == 5


async def test_the_entries_not_ranked_come_with_their_reasons_in_their_own_section(
    api: Api,
) -> None:
    scheme, candidacies = published(api)
    await api.settle()
    page = await ranking(api, scheme, section="not_ranked")
    assert page["section"] == "not_ranked" and page["total"] == 2
    assert [e["candidacy_id"] for e in page["items"]] == [candidacies[3], candidacies[5]]
    assert [e["reason"] for e in page["items"]] == ["no test report", "expired licence"]
    assert all(e["rank"] is None and e["breakdown"] == [] for e in page["items"])
    assert page["counts"]["ranked"] == 5


async def test_a_scheme_not_yet_ranked_answers_an_empty_unpublished_ranking(api: Api) -> None:
    world = build_world(api.registry, api.clock, line=ENERGY)
    scheme = draft(world, 2024)
    await api.settle()
    page = await ranking(api, scheme)
    assert page["published"] is False and page["items"] == [] and page["total"] == 0
    assert page["cutoff_rank"] is None and page["counts"]["ranked"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"section": "all"}, "section"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "99999999999999999999"}, "offset"),
        ({"as_of": "yesterday"}, "as_of"),
    ],
)
async def test_bad_paging_is_refused_naming_the_parameter(
    api: Api, params: dict[str, str], field: str
) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    scheme = draft(world, 2024)
    response = await api.client.get(f"/v1/schemes/{scheme}/ranking", params=params)
    assert_problem(response, 422, field)


async def test_an_unknown_scheme_has_no_ranking(api: Api) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert_problem(await api.client.get(f"/v1/schemes/{missing}/ranking"), 404)


async def test_a_ranking_published_before_its_counts_were_recorded_counts_its_entries(
    api: Api,
) -> None:
    scheme, _ = published(api)
    await api.settle()
    with api.read_side.writer.begin() as conn:  # as migration 0010 leaves an older ranking
        conn.execute(
            update(schemes)
            .where(schemes.c.id == scheme)
            .values(ranked_count=None, qualified_count=None)
        )
    page = await ranking(api, scheme, limit=1)
    assert page["counts"] == {"entered": 7, "ranked": 5, "qualified": 3, "not_ranked": 2}
    assert (page["cutoff_rank"], page["total"]) == (2, 5)

"""The leaders lists' changes from the API, on both stores: between the 2024 and 2025 lists of
one body's refrigerators (one title stays, one is superseded by its maker's new standard, one
is not re-qualified, one revoked mid-cycle, one new entrant), and since a log position
before and after the revocation; bad input is a problem naming the parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.values import Enterprise, Product
from service.schemas.changes import CycleChanges, LeaderChanges
from tests.e2e.api import Api, assert_problem
from tests.worlds import (
    CATEGORY,
    ENERGY,
    PLATFORM,
    REGION,
    REGULATOR,
    World,
    award_cycle,
    build_world,
    complain,
    credit_code,
    draft,
    enter_and_evaluate,
    register_body,
)

LIST: dict[str, Any] = {"category": CATEGORY, "level": "national"}


@dataclass
class Story:
    """Two cycles of one list, and the log positions around the revocation."""

    world: World
    old: list[str]  # the 2024 candidacies of declarations 0 to 4
    new: dict[int, str]  # the 2025 candidacies, by declaration (5: maker 4's new standard)
    before_revocation: int
    after_revocation: int


def two_cycles(api: Api) -> Story:
    world = build_world(api.registry, api.clock, 5, line=ENERGY)
    # 2024: declarations 0, 1, 2 and 4 win; 3 is ranked below the cut.
    _, old = award_cycle(world, 2024, [40, 41, 42, 50, 43], top_n=4)
    before = world.position()
    api.clock.advance(days=30)
    complaint = complain(world, old[2], grounds="fraud")
    api.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forged report")
    after = world.position()
    # Maker 4 declares a new standard for a new model; its 2024 title is not entered again.
    newer = declare_again(world, 4, "Q/TJ 0104-2025", "BCD-904")
    api.clock.advance(days=300)
    order = [0, 5, 3, 1]  # 1 ranks fourth: no title
    declarations = [*world.declarations, newer]
    _, entered = award(world, 2025, [40, 41, 42, 50], [declarations[n] for n in order], top_n=3)
    return Story(world, old, dict(zip(order, entered, strict=True)), before, after)


def declare_again(world: World, n: int, standard: str, model: str) -> str:
    """The n-th enterprise's refrigerator `model` declared under another standard number."""
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(credit_code(n), f"Fridge Maker {n}", REGION),
        standard_number=standard,
        title="Household refrigerators",
        product=Product("Refrigerator", model, CATEGORY),
        indicators=ENERGY.declared(n),
        disclosed_on=date(2025, 1, 1),
    )["id"]


def award(
    world: World, cycle: int, values: list[int | str], declarations: list[str], **scheme: Any
) -> tuple[str, list[str]]:
    """A cycle of the list with these declarations entered (`award_cycle` enters the first)."""
    scheme_id = draft(world, cycle, **scheme)
    entered = enter_and_evaluate(world, scheme_id, values, declarations)
    world.registry.publish_ranking(world.body, scheme_id)
    world.clock.advance(days=10)
    world.registry.award(world.body, scheme_id)
    return scheme_id, entered


def ids(titles: list[dict[str, Any]]) -> list[str]:
    return [t["candidacy_id"] for t in titles]


async def test_what_changed_between_two_cycles(api: Api) -> None:
    story = two_cycles(api)
    await api.settle()
    found = (await api.read("/v1/leaders/cycle-changes", cycle=2024, **LIST)).json()
    CycleChanges.model_validate(found)
    assert found["list_key"] == {
        "body_id": story.world.body_id,
        "category": CATEGORY,
        "level": "national",
        "region": "000000",
    }
    assert (found["earlier"]["cycle"], found["earlier"]["titles"]) == (2024, 4)
    assert (found["later"]["cycle"], found["later"]["titles"]) == (2025, 3)
    assert ids(found["entered"]) == [story.new[5], story.new[3]]
    [stayed] = found["stayed"]
    assert (stayed["before"]["candidacy_id"], stayed["after"]["candidacy_id"]) == (
        story.old[0],
        story.new[0],
    )
    assert stayed["matched_by"] == "standard"
    assert stayed["before"]["status"] == "superseded" and stayed["after"]["status"] == "awarded"
    left = {gone["title"]["candidacy_id"]: gone for gone in found["left"]}
    assert list(left) == [story.old[1], story.old[2], story.old[4]]  # in the list's order
    not_again = left[story.old[1]]
    assert not_again["why"] == "not_requalified" and not_again["superseded_by"] is None
    assert not_again["later_cycle"] == {
        "candidacy_id": story.new[1],
        "status": "ranked",
        "reason": None,
        "rank": 4,
    }
    revoked = left[story.old[2]]
    assert revoked["why"] == "revoked" and "forged report" in revoked["reason"]
    assert revoked["at"].startswith("2025-04-10") and revoked["later_cycle"] is None
    replaced = left[story.old[4]]
    assert replaced["why"] == "superseded"
    assert replaced["superseded_by"]["candidacy_id"] == story.new[5]
    assert replaced["by_scheme_id"] == found["later"]["scheme_id"]
    # From/to: the same two cycles named both ways; the body named.
    named = {**LIST, "cycle": 2024, "to_cycle": 2025, "body": story.world.body_id}
    assert (await api.read("/v1/leaders/cycle-changes", **named)).json() == found


async def test_changes_since_a_position_before_and_after_a_revocation(api: Api) -> None:
    story = two_cycles(api)
    await api.settle()
    url = "/v1/leaders/changes"
    page = (await api.read(url, since=story.before_revocation, cycle=2024)).json()
    LeaderChanges.model_validate(page)
    first, *rest = page["items"]
    assert (first["change"], first["why"], first["title"]["candidacy_id"]) == (
        "left",
        "revoked",
        story.old[2],
    )
    assert story.before_revocation < first["position"] <= story.after_revocation
    assert "forged report" in first["reason"] and first["at"].startswith("2025-04-10")
    # The 2025 award supersedes the three titles still held.
    assert [(i["why"], i["title"]["candidacy_id"]) for i in rest] == [
        ("superseded", story.old[n]) for n in (0, 1, 4)
    ]
    assert page["up_to"] == api.head() and not page["more"]
    after = (await api.read(url, since=story.after_revocation)).json()
    joined = [i["title"]["candidacy_id"] for i in after["items"] if i["change"] == "joined"]
    assert joined == [story.new[0], story.new[5], story.new[3]]
    assert story.old[2] not in [i["title"]["candidacy_id"] for i in after["items"]]
    # From the start, a page at a time: every award and every departure once, in log order.
    seen, since = [], 0
    while True:
        page = (await api.read(url, since=since, limit=2)).json()
        seen += page["items"]
        since = page["up_to"]
        if not page["more"]:
            break
    assert [i["position"] for i in seen] == sorted({i["position"] for i in seen})
    assert len([i for i in seen if i["change"] == "joined"]) == 4 + 3
    assert len([i for i in seen if i["change"] == "left"]) == 4
    # Nothing new: the same position, no items.
    again = (await api.read(url, since=since)).json()
    assert (again["items"], again["up_to"]) == ([], since)
    # Filters: one enterprise's titles (the award records the new titles, then the
    # supersessions, in one commit).
    own = (await api.read(url, since=0, credit_code=credit_code(4))).json()
    assert [(i["change"], i["why"], i["title"]["cycle"]) for i in own["items"]] == [
        ("joined", "awarded", 2024),
        ("joined", "awarded", 2025),
        ("left", "superseded", 2024),
    ]


async def test_bad_input_names_the_parameter(api: Api) -> None:
    story = two_cycles(api)
    await api.settle()
    cycles, since = "/v1/leaders/cycle-changes", "/v1/leaders/changes"
    get = api.client.get
    assert_problem(await get(cycles, params={"level": "national", "cycle": 2024}), 422, "category")
    assert_problem(await get(cycles, params={**LIST}), 422, "cycle")
    assert_problem(await get(cycles, params={**LIST, "cycle": 1800}), 422, "cycle")
    assert_problem(await get(cycles, params={**LIST, "cycle": 9999}), 422, "cycle")
    assert_problem(await get(cycles, params={**LIST, "cycle": "x"}), 422, "cycle")
    bad_to: dict[str, Any] = {**LIST, "cycle": 2024, "to_cycle": 2024}
    assert_problem(await get(cycles, params=bad_to), 422, "to_cycle")
    provincial: dict[str, Any] = {"category": CATEGORY, "level": "provincial", "cycle": 2024}
    assert_problem(await get(cycles, params=provincial), 422, "region")
    assert_problem(await get(cycles, params={**LIST, "cycle": 2024, "level": "x"}), 422, "level")
    unknown = {**LIST, "category": "C9999", "cycle": 2024}
    assert_problem(await get(cycles, params=unknown), 404, "category")
    assert_problem(await get(cycles, params={**LIST, "cycle": 2025}), 404, "to_cycle")
    assert_problem(await get(cycles, params={**LIST, "cycle": 2022}), 404, "cycle")
    assert_problem(await get(cycles, params={**LIST, "cycle": 2024, "body": "x"}), 422, "body")
    assert_problem(await get(since, params={}), 422, "since")
    assert_problem(await get(since, params={"since": "soon"}), 422, "since")
    assert_problem(await get(since, params={"since": -1}), 422, "since")
    assert_problem(await get(since, params={"since": api.head() + 1}), 422, "since")
    assert_problem(await get(since, params={"since": 0, "category": "??"}), 422, "category")
    assert_problem(await get(since, params={"since": 0, "colour": "red"}), 422, "colour")
    assert story.world.position() == api.head()  # nothing recorded


async def test_expiries_withdrawals_products_declared_again_and_two_bodies(api: Api) -> None:
    world = build_world(api.registry, api.clock, 4, line=ENERGY)
    _, old = award_cycle(world, 2024, [40, 41, 42, 50], top_n=3, validity_days=30)
    api.clock.advance(days=5)
    api.registry.withdraw_declaration(PLATFORM, world.declarations[1], reason="discontinued")
    api.clock.advance(days=40)  # titles 0 and 2 are past their validity
    await api.settle()
    before_sweep = api.head()
    assert api.read_side.sweep(api.clock()) == 2
    # Maker 2 declares its model again under a new standard number.
    again = declare_again(world, 2, "Q/TJ 0202-2025", "bcd 202")
    later, new = award(world, 2025, [40, 41], [again, world.declarations[3]])
    await api.settle()
    found = (await api.read("/v1/leaders/cycle-changes", cycle=2024, **LIST)).json()
    assert [(s["before"]["candidacy_id"], s["after"]["candidacy_id"]) for s in found["stayed"]] == [
        (old[2], new[0])
    ]
    assert found["stayed"][0]["matched_by"] == "product"
    assert ids(found["entered"]) == [new[1]]
    left = {gone["title"]["candidacy_id"]: gone for gone in found["left"]}
    assert left[old[0]]["why"] == "expired" and left[old[0]]["at"].startswith("2025-04-10")
    assert left[old[1]]["why"] == "withdrawn" and "discontinued" in left[old[1]]["reason"]
    # Since before the sweep: the expiries, at the end of the validity, then the new list.
    page = (await api.read("/v1/leaders/changes", since=before_sweep, cycle=2024)).json()
    assert [(i["why"], i["at"][:10]) for i in page["items"]] == [("expired", "2025-04-10")] * 2
    assert all(i["position"] > before_sweep for i in page["items"])
    # A second body keeps such a list in 2024: the body must be named.
    other, other_id = register_body(api.registry, "Tianjin Appliance Association", [CATEGORY])
    api.registry.draft_scheme(
        other,
        title="Refrigerators 2024",
        category=CATEGORY,
        cycle=2024,
        level="national",
        region="",
        indicators=ENERGY.indicators,
        top_n=2,
        publicity_days=10,
        validity_days=365,
    )
    await api.settle()
    problem = assert_problem(
        await api.client.get("/v1/leaders/cycle-changes", params={**LIST, "cycle": 2024}),
        422,
        "body",
    )
    assert world.body_id in problem["detail"] and other_id in problem["detail"]
    named = {**LIST, "cycle": 2024, "body": world.body_id}
    assert (await api.read("/v1/leaders/cycle-changes", **named)).json() == found
    missing = {**LIST, "cycle": 2024, "body": other_id}
    assert_problem(await api.client.get("/v1/leaders/cycle-changes", params=missing), 404, "cycle")
    assert found["later"]["scheme_id"] == later


async def test_the_scheme_page_shows_the_changes_since_the_last_cycle(api: Api) -> None:
    story = two_cycles(api)
    await api.settle()
    earlier, later = story.world.schemes[0], story.world.get(story.new[0]).scheme_id
    english = await api.client.get(f"/schemes/{later}", headers={"accept-language": "en"})
    assert english.status_code == 200, english.text
    section = english.text.split('<h2 id="changes">')[1].split("</table>")[0]
    assert "Changes since the last cycle" in section and f'href="/schemes/{earlier}"' in section
    assert "2 entered, 1 stayed, 3 left." in section
    assert "Left: not re-qualified (ranked 4)" in section
    assert "Left: revoked on 2025-04-10 (complaint upheld (fraud): forged report)" in section
    assert (
        f'replaced by the same enterprise\'s <a href="/leaders/{story.new[5]}">BCD-904' in section
    )
    chinese = await api.client.get(f"/schemes/{later}", headers={"accept-language": "zh-CN"})
    assert "与上一周期相比的变化" in chinese.text and "退出：未再次入选（排名第 4）" in chinese.text
    # The earlier cycle has no list before it: no section.
    first = await api.client.get(f"/schemes/{earlier}", headers={"accept-language": "en"})
    assert 'id="changes"' not in first.text

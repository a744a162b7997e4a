"""An evaluation body's suspension, reinstatement and change of categories, as its reads show
them: `/v1/evaluation-bodies/{id}`, the list (with `as_of`) and the `/bodies/{id}` page."""

from __future__ import annotations

import asyncio
from typing import Any

from service.schemas.lists import BodyItem
from service.schemas.records import EvaluationBodyOut
from tests.e2e.api import Api, assert_problem
from tests.worlds import ADMIN, CATEGORY, ENERGY, build_world

EN = {"accept-language": "en"}


async def body_reads(api: Api, body_id: str, **params: Any) -> tuple[dict[str, Any], ...]:
    """The body's record, and its item in the list (at `as_of`, if given)."""
    await api.settle()
    record = (await api.read(f"/v1/evaluation-bodies/{body_id}")).json()
    EvaluationBodyOut.model_validate(record)
    listed = (await api.read("/v1/evaluation-bodies", **params)).json()["items"]
    item = next(i for i in listed if i["id"] == body_id)
    BodyItem.model_validate(item)
    return record, item


async def test_the_reads_show_the_suspension_reinstatement_and_categories(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    registered = api.clock()
    api.clock.advance(days=1)
    api.registry.suspend_body(ADMIN, world.body_id, reason="accreditation lapsed")
    record, item = await body_reads(api, world.body_id)
    assert record["suspension_reason"] == item["suspension_reason"] == "accreditation lapsed"
    assert record["suspended_at"] == item["suspended_at"] == api.clock().isoformat()
    page = (await api.client.get(f"/bodies/{world.body_id}", headers=EN)).text
    assert "Because: accreditation lapsed" in page
    assert "理由" in (await api.client.get(f"/bodies/{world.body_id}")).text

    api.clock.advance(days=1)
    api.registry.reinstate_body(ADMIN, world.body_id, reason="accreditation renewed")
    api.clock.advance(days=1)
    api.registry.change_body_categories(
        ADMIN, world.body_id, categories=[CATEGORY, "C3852"], reason="scope extended"
    )
    record, item = await body_reads(api, world.body_id)
    assert (record["status"], record["suspension_reason"], item["suspended_at"]) == (
        "registered",
        None,
        None,
    )
    assert record["categories"] == item["categories"] == [CATEGORY, "C3852"]
    assert [(c["kind"], c["reason"]) for c in record["changes"]] == [
        ("suspended", "accreditation lapsed"),
        ("reinstated", "accreditation renewed"),
        ("categories_changed", "scope extended"),
    ]
    assert record["changes"][-1]["before"] == [CATEGORY]
    assert item["changes"] == record["changes"]
    page = (await api.client.get(f"/bodies/{world.body_id}", headers=EN)).text
    assert "accreditation renewed" in page and "scope extended" in page
    assert "Accredited categories changed to: C3851, C3852" in page

    _, then = await body_reads(api, world.body_id, as_of=registered.isoformat())
    assert (then["categories"], then["changes"], then["suspension_reason"]) == (
        [CATEGORY],
        [],
        None,
    )


async def test_bad_requests_are_refused_naming_the_field(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    path = f"/v1/evaluation-bodies/{world.body_id}"
    head, admin = api.head(), api.auth()
    for action, body, status, field in (
        ("reinstatement", {"reason": "not suspended"}, 409, None),
        ("reinstatement", {"reason": ""}, 422, "reason"),
        ("categories", {"categories": [CATEGORY], "reason": "same"}, 409, None),
        ("categories", {"categories": ["c3851"], "reason": "lower case"}, 422, "categories.0"),
        ("categories", {"categories": [CATEGORY]}, 422, "reason"),
    ):
        response = await api.client.post(f"{path}/{action}", json=body, headers=admin)
        assert_problem(response, status, field)
    missing = "/v1/evaluation-bodies/00000000-0000-0000-0000-000000000000/reinstatement"
    assert_problem(await api.client.post(missing, json={"reason": "x"}, headers=admin), 404)
    assert api.head() == head


async def test_racing_reinstatements_and_changes_of_categories_record_one(api: Api) -> None:
    """Three reinstatements of one suspended body at once: one wins, the others are clean
    409s and one event is recorded; so for three changes of categories made at once."""
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    api.registry.suspend_body(ADMIN, world.body_id, reason="audit")
    path = f"/v1/evaluation-bodies/{world.body_id}"
    reinstated = await asyncio.gather(
        *(
            api.post(f"{path}/reinstatement", {"reason": f"renewed {n}"}, api.admin)
            for n in range(3)
        )
    )
    assert sorted(r.status_code for r in reinstated) == [200, 409, 409], [
        r.text for r in reinstated
    ]
    changes = [["C3851", "C3852"], ["C3852"], ["C3851", "C3853"]]
    await api.settle()
    tag = (await api.read(path)).headers["etag"]  # each change is made against this version
    changed = await asyncio.gather(
        *(
            api.client.post(
                f"{path}/categories",
                json={"categories": categories, "reason": "re-accredited"},
                headers={"Authorization": f"Bearer {api.admin}", "If-Match": tag},
            )
            for categories in changes
        )
    )
    statuses = sorted(r.status_code for r in changed)
    assert statuses[0] == 200 and set(statuses[1:]) <= {409, 412}, [r.text for r in changed]
    notes = api.registry.recorder.select_notifications(0, 100_000)
    topics = [n.topic.rsplit(".", 1)[-1] for n in notes]
    assert topics.count("Reinstated") == 1
    assert topics.count("CategoriesChanged") == statuses.count(200)

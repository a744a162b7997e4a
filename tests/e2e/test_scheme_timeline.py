"""A scheme's timeline from the API, on both stores: its steps with their times and actors,
the end of its publicity window, the list that superseded it; as of a moment; 404."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from service.schemas.timelines import SchemeStep
from tests.e2e.api import Api, assert_problem
from tests.worlds import ENERGY, award_cycle, build_world, draft, ranked

STEPS: TypeAdapter[list[SchemeStep]] = TypeAdapter(list[SchemeStep])


async def timeline(api: Api, scheme: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        await api.read(f"/v1/schemes/{scheme}/timeline", **params)
    ).json()
    STEPS.validate_python(found)
    return found


async def test_a_superseded_scheme_shows_every_step_with_its_actor(api: Api) -> None:
    world = build_world(api.registry, api.clock, 3, line=ENERGY)
    first, _ = award_cycle(world, 2024, [40, 45, 50])
    second, _ = award_cycle(world, 2025, [41, 42, 43])
    await api.settle()
    steps = await timeline(api, first)
    assert [s["step"] for s in steps] == [
        "drafted",
        "approved",
        "ranked",
        "publicity_ends",
        "awarded",
        "superseded",
    ]
    assert [s["at"][:10] for s in steps] == ["2025-03-01"] * 3 + ["2025-03-11"] * 2 + ["2025-03-21"]
    body = {"role": "evaluation_body", "subject": world.body_id}
    assert [s["actor"] for s in steps] == [
        body,
        {"role": "admin", "subject": "ops"},
        body,
        None,  # the window closes by itself
        body,
        body,
    ]
    assert steps[-1]["by_scheme_id"] == second
    then = await timeline(api, first, as_of="2025-03-15T00:00:00+00:00")
    assert [s["step"] for s in then][-1] == "awarded"  # not superseded yet


async def test_a_rejected_scheme_and_a_window_still_open(api: Api) -> None:
    world = build_world(api.registry, api.clock, 2, line=ENERGY)
    rejected = draft(world, 2024, approve=False)
    open_now = draft(world, 2025)
    ranked(world, open_now, [40, 45])
    await api.settle()
    assert [s["step"] for s in await timeline(api, rejected)] == ["drafted", "rejected"]
    steps = await timeline(api, open_now)
    assert steps[-1]["step"] == "publicity_ends" and steps[-1]["at"] > api.clock().isoformat()
    before = await timeline(api, open_now, as_of=api.clock().isoformat())
    assert [s["step"] for s in before] == ["drafted", "approved", "ranked", "publicity_ends"]


async def test_an_unknown_scheme_or_one_not_drafted_then_has_no_timeline(api: Api) -> None:
    world = build_world(api.registry, api.clock, 1, line=ENERGY)
    scheme = draft(world, 2024)
    await api.settle()
    missing = "00000000-0000-0000-0000-000000000000"
    assert_problem(await api.client.get(f"/v1/schemes/{missing}/timeline"), 404)
    early = {"as_of": "2025-01-01T00:00:00+00:00"}
    assert_problem(await api.client.get(f"/v1/schemes/{scheme}/timeline", params=early), 404)
    bad = {"as_of": "soon"}
    assert_problem(await api.client.get(f"/v1/schemes/{scheme}/timeline", params=bad), 422, "as_of")

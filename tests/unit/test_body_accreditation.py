"""Rule 2's body side: an administrator reinstates a suspended body and changes the categories
it is accredited for, each with a reason; the body then acts accordingly."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.evaluation_body import BodyStatusConflict, BodySuspended, NotAccredited
from registry.permissions import Forbidden
from tests.worlds import ADMIN, CATEGORY, OTHER_CATEGORY, PLATFORM, World, draft, events, refused


def test_a_reinstated_body_may_act_again(world: World) -> None:
    world.registry.suspend_body(ADMIN, world.body_id, reason="conflict of interest")
    with refused(world, BodySuspended):
        draft(world, 2026)
    world.registry.reinstate_body(ADMIN, world.body_id, reason="the conflict was resolved")
    draft(world, 2026)
    body = world.get(world.body_id)
    assert body.status == "registered"
    assert [e.reason for e in events(world, world.body_id, "Reinstated")] == [
        "the conflict was resolved"
    ]


def test_only_a_suspended_body_is_reinstated_and_only_with_a_reason(world: World) -> None:
    with refused(world, BodyStatusConflict):
        world.registry.reinstate_body(ADMIN, world.body_id, reason="nothing to lift")
    world.registry.suspend_body(ADMIN, world.body_id, reason="audit")
    with refused(world, InvalidInput):
        world.registry.reinstate_body(ADMIN, world.body_id, reason="  ")
    with refused(world, Forbidden):
        world.registry.reinstate_body(PLATFORM, world.body_id, reason="please")


def test_a_body_acts_in_its_new_categories_only(world: World) -> None:
    world.registry.change_body_categories(
        ADMIN, world.body_id, categories=[OTHER_CATEGORY, OTHER_CATEGORY], reason="re-accredited"
    )
    assert world.get(world.body_id).categories == [OTHER_CATEGORY]
    with refused(world, NotAccredited):
        draft(world, 2026)  # the world's schemes are in CATEGORY, no longer accredited
    changed = events(world, world.body_id, "CategoriesChanged")[0]
    assert (changed.categories, changed.reason, changed.actor) == (
        [OTHER_CATEGORY],
        "re-accredited",
        ADMIN,
    )


@pytest.mark.parametrize(
    ("categories", "reason", "error"),
    [
        ([], "none left", InvalidInput),
        ([CATEGORY], "", InvalidInput),
        ([CATEGORY], "the same again", BodyStatusConflict),
    ],
)
def test_a_change_of_categories_changes_something_and_says_why(
    world: World, categories: list[str], reason: str, error: type[Exception]
) -> None:
    with refused(world, error):
        world.registry.change_body_categories(
            ADMIN, world.body_id, categories=categories, reason=reason
        )

"""Rule 17: a regulator acts on complaints about titles on lists of its region or below."""

from __future__ import annotations

import pytest

from domain.credential import InvalidCredential
from domain.jurisdiction import NATIONAL, OutsideJurisdiction, covers, jurisdiction_prefix
from domain.values import Actor
from tests.worlds import ADMIN, World, award_cycle, complain, refused


@pytest.mark.parametrize(
    ("jurisdiction", "region", "covered"),
    [
        (NATIONAL, NATIONAL, True),
        (NATIONAL, "120000", True),
        (NATIONAL, "120101", True),
        ("120000", "120000", True),  # a province: its own list
        ("120000", "120100", True),  # and its cities' and districts'
        ("120000", "120101", True),
        ("120000", NATIONAL, False),  # not the nation's
        ("120000", "110000", False),  # nor another province's
        ("120100", "120100", True),  # a city: its own list and its districts'
        ("120100", "120101", True),
        ("120100", "120000", False),  # not its province's
        ("120100", "120200", False),
        ("120101", "120101", True),  # a district: itself alone
        ("120101", "120102", False),
    ],
)
def test_a_region_covers_itself_and_what_lies_below(
    jurisdiction: str, region: str, covered: bool
) -> None:
    assert covers(jurisdiction, region) is covered


def test_the_prefix_is_the_levels_digits() -> None:
    assert [jurisdiction_prefix(r) for r in (NATIONAL, "440000", "440300", "440305")] == [
        "",
        "44",
        "4403",
        "440305",
    ]


def regulator(world: World, region: str = "") -> Actor:
    """A regulator acting through a credential of `region` (national when empty)."""
    issued = world.registry.issue_credential(
        ADMIN, role="regulator", subject=f"AMR {region}", region=region
    )
    return world.registry.authenticate(issued["token"])


def provincial_title(world: World, region: str = "120000") -> str:
    """An awarded title on a provincial list of `region`."""
    _, titles = award_cycle(world, 2024, [130], level="provincial", region=region)
    return titles[0]


def test_a_regulators_credential_is_national_unless_given_a_region(world: World) -> None:
    national = regulator(world)
    assert world.registry.jurisdiction(national) == NATIONAL
    assert world.registry.jurisdiction(regulator(world, "120000")) == "120000"


@pytest.mark.parametrize(
    ("role", "region"),
    [("regulator", "12000"), ("regulator", "12000x"), ("regulator", "999999"), ("admin", "120000")],
)
def test_a_region_must_be_a_code_and_only_a_regulators(
    world: World, role: str, region: str
) -> None:
    before = world.position()
    with pytest.raises(InvalidCredential) as raised:
        world.registry.issue_credential(ADMIN, role=role, subject="x", region=region)
    assert raised.value.field == "region"
    assert world.position() == before


def test_a_regulator_acts_within_its_region(world: World) -> None:
    title = provincial_title(world)
    tianjin, city = regulator(world, "120000"), regulator(world, "120100")
    complaint = world.registry.file_complaint(
        tianjin,
        candidacy_id=title,
        complainant_kind="regulator",
        grounds="fraud",
        description="forged test report",
        evidence=[],
    )["id"]
    with refused(world, OutsideJurisdiction):  # a city's regulator, on its province's list
        world.registry.investigate_complaint(city, complaint)
    world.registry.investigate_complaint(tianjin, complaint)
    world.registry.decide_complaint(regulator(world), complaint, upheld=True, findings="forged")
    assert world.get(title).status == "revoked"


@pytest.mark.parametrize("action", ["file", "investigate", "decide", "revoke"])
def test_a_regulator_may_not_act_outside_its_region(world: World, action: str) -> None:
    title = provincial_title(world)
    beijing = regulator(world, "110000")
    complaint = complain(world, title)
    with refused(world, OutsideJurisdiction):
        if action == "file":
            world.registry.file_complaint(
                beijing,
                candidacy_id=title,
                complainant_kind="regulator",
                grounds="other",
                description="x",
                evidence=[],
            )
        elif action == "revoke":
            world.registry.revoke_title(beijing, title, reason="x")
        elif action == "investigate":
            world.registry.investigate_complaint(beijing, complaint)
        else:
            world.registry.decide_complaint(beijing, complaint, upheld=False, findings="x")


def test_a_provincial_regulator_may_not_act_on_a_national_list(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    tianjin, complaint = regulator(world, "120000"), complain(world, titles[0])
    with refused(world, OutsideJurisdiction):
        world.registry.investigate_complaint(tianjin, complaint)

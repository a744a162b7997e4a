"""A regulator's triage of a public report: unfounded, or a complaint opened from it."""

from __future__ import annotations

from uuid import UUID

from domain.errors import InvalidInput
from domain.jurisdiction import OutsideJurisdiction
from domain.report import PersonalData, ReportAlreadyClosed
from domain.values import Actor
from tests.worlds import (
    ADMIN,
    REGULATOR,
    World,
    award_cycle,
    credit_code,
    draft,
    ranked,
    refused,
)

PUBLIC = Actor("public", "")


def report(world: World, kind: str, target: str, description: str = "label differs") -> str:
    return world.registry.file_report(
        PUBLIC,
        target_kind=kind,
        target=target,
        grounds="nonconformity",
        description=description,
        evidence=["photo-1"],
        personal=PersonalData(),
    )["id"]


def test_an_unfounded_report_tells_its_reporter_why_and_releases_the_award(
    world: World,
) -> None:
    scheme_id = draft(world, 2024, publicity_days=10)
    candidacy = ranked(world, scheme_id, [130])[0]
    filed = world.registry.file_report(
        PUBLIC,
        target_kind="candidacy",
        target=candidacy,
        grounds="other",
        description="the shop label differs",
        evidence=[],
        personal=PersonalData(),
    )
    world.registry.dismiss_report(REGULATOR, filed["id"], reason="the label is the old model's")
    followed = world.registry.follow_report(filed["id"], filed["secret"])
    assert (followed.status, followed.outcome) == ("closed", "the label is the old model's")
    assert followed.complaint_id is None
    world.clock.advance(days=11)
    world.registry.award(world.body, scheme_id)  # the report no longer holds it
    assert world.get(candidacy).status == "awarded"
    with refused(world, ReportAlreadyClosed):
        world.registry.dismiss_report(REGULATOR, filed["id"], reason="again")


def test_a_complaint_opened_from_a_report_links_both_ways(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    filed = world.registry.file_report(
        PUBLIC,
        target_kind="candidacy",
        target=titles[0],
        grounds="fraud",
        description="the test report is forged",
        evidence=["report WT-1"],
        personal=PersonalData(),
    )
    complaint_id = world.registry.open_complaint_from_report(REGULATOR, filed["id"])["id"]
    complaint = world.get(complaint_id)
    assert complaint.report_id == UUID(filed["id"])
    assert (complaint.grounds, complaint.description, complaint.evidence) == (
        "fraud",
        "the test report is forged",
        ["report WT-1"],
    )
    assert complaint.candidacy_id == UUID(titles[0])
    followed = world.registry.follow_report(filed["id"], filed["secret"])
    assert followed.status == "closed" and followed.complaint_id == complaint_id
    assert complaint_id in followed.outcome
    assert world.get(titles[0]).open_complaints == [UUID(complaint_id)]


def test_a_report_about_an_enterprise_names_the_candidacy_to_complain_about(
    world: World,
) -> None:
    _, titles = award_cycle(world, 2024, [130, 120])
    about = report(world, "enterprise", credit_code(0))
    for candidacy_id in (None, titles[1]):  # none, or another enterprise's
        before = world.position()
        try:
            world.registry.open_complaint_from_report(REGULATOR, about, candidacy_id=candidacy_id)
        except InvalidInput as refusal:
            assert refusal.field == "candidacy_id"
        else:
            raise AssertionError("accepted")
        assert world.position() == before
    opened = world.registry.open_complaint_from_report(REGULATOR, about, candidacy_id=titles[0])
    assert world.get(opened["id"]).candidacy_id == UUID(titles[0])


def test_triage_stays_within_the_regulators_region(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130], level="provincial", region="120000")
    issued = world.registry.issue_credential(
        ADMIN, role="regulator", subject="Beijing AMR", region="110000"
    )
    beijing = world.registry.authenticate(issued["token"])
    about_leader = report(world, "candidacy", titles[0])
    about_enterprise = report(world, "enterprise", credit_code(0))  # registered in 120000
    for report_id in (about_leader, about_enterprise):
        with refused(world, OutsideJurisdiction):
            world.registry.dismiss_report(beijing, report_id, reason="not ours")
    with refused(world, OutsideJurisdiction):
        world.registry.open_complaint_from_report(beijing, about_leader)
    for report_id in (about_leader, about_enterprise):  # nor its reporters' personal data
        with refused(world, OutsideJurisdiction):
            world.registry.report_personal_data(beijing, report_id)
        with refused(world, OutsideJurisdiction):
            world.registry.erase_report_personal_data(beijing, report_id, reason="not ours")

"""A complaint's investigation (who and when) and the enterprise's statement in answer."""

from __future__ import annotations

from domain.candidacy import CandidacyStateConflict
from domain.complaint import ComplaintAlreadyDecided, ComplaintStepConflict, InvalidComplaint
from domain.values import Actor, Role
from tests.worlds import (
    REGULATOR,
    World,
    award_cycle,
    complain,
    credit_code,
    draft,
    events,
    ranked,
    refused,
)

OWNER = Actor(Role.ENTERPRISE.value, credit_code(0))


def test_an_investigation_records_who_and_when_then_the_decision_follows(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    complaint = complain(world, titles[0])
    now = world.clock.advance(days=2)
    world.registry.investigate_complaint(REGULATOR, complaint)
    assert world.get(complaint).status == "investigating"
    started = events(world, complaint, "InvestigationStarted")[0]
    assert (started.actor, started.timestamp) == (REGULATOR, now)
    assert world.get(titles[0]).open_complaints  # still open: the title shows it
    with refused(world, ComplaintStepConflict):
        world.registry.investigate_complaint(REGULATOR, complaint)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="retest failed")
    assert (world.get(complaint).status, world.get(titles[0]).status) == ("upheld", "revoked")


def test_a_complaint_may_still_be_decided_straight_from_filed(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    complaint = complain(world, titles[0])
    world.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="unfounded")
    assert world.get(complaint).status == "dismissed"
    with refused(world, ComplaintAlreadyDecided):
        world.registry.investigate_complaint(REGULATOR, complaint)


def test_an_open_investigation_holds_the_award(world: World) -> None:

    scheme_id = draft(world, 2024, publicity_days=10)
    candidacy = ranked(world, scheme_id, [130])[0]
    complaint = complain(world, candidacy)
    world.registry.investigate_complaint(REGULATOR, complaint)
    world.clock.advance(days=11)
    with refused(world, CandidacyStateConflict):
        world.registry.award(world.body, scheme_id)


def test_the_enterprise_answers_once_while_the_complaint_is_open(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    complaint = complain(world, titles[0])
    with refused(world, InvalidComplaint):
        world.registry.answer_complaint(OWNER, complaint, statement="   ")
    world.registry.answer_complaint(OWNER, complaint, statement="Our retest by CNAS lab passed.")
    assert world.get(complaint).statement == "Our retest by CNAS lab passed."
    answered = events(world, complaint, "Answered")[0]
    assert answered.actor == OWNER
    with refused(world, ComplaintStepConflict):
        world.registry.answer_complaint(OWNER, complaint, statement="and again")
    world.registry.investigate_complaint(REGULATOR, complaint)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="retest passed")
    assert world.get(complaint).statement == "Our retest by CNAS lab passed."


def test_a_decided_complaint_takes_no_statement(world: World) -> None:
    _, titles = award_cycle(world, 2024, [130])
    complaint = complain(world, titles[0])
    world.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="unfounded")
    with refused(world, ComplaintAlreadyDecided):
        world.registry.answer_complaint(OWNER, complaint, statement="too late")

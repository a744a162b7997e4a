"""Public reports through the application, in memory: filing, following, folding, blocking
the award (rule 6), erasing personal data (rule 15)."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.candidacy import Candidacy, CandidacyStateConflict
from domain.report import InvalidReport, PersonalData, Report, ReportAlreadyClosed
from domain.values import Actor
from registry.cases.reports import FiledReport, PersonalDataErased, ReportNotFound
from registry.permissions import Forbidden
from registry.sealing import Unsealable, unseal
from tests.worlds import ADMIN, REGULATOR, World, credit_code, ranked, refused

ANONYMOUS = Actor("public", "", request_id="req-1")
CONTACT = PersonalData(name="Li Wei", phone="+86 138 0000 0000", email="li@example.org")


def report(
    world: World,
    target: str,
    *,
    kind: str = "candidacy",
    text: str = "The label claims grade 1 but my meter reads far more.",
    personal: PersonalData = CONTACT,
) -> FiledReport:
    return world.registry.file_report(
        ANONYMOUS,
        target_kind=kind,
        target=target,
        grounds="nonconformity",
        description=text,
        evidence=["https://example.org/photo.jpg"],
        personal=personal,
    )


def test_a_report_answers_a_receipt_and_a_secret_that_follows_it(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    filed = report(world, c[0])
    view = world.registry.follow_report(filed["id"], filed["secret"])
    assert (view.status, view.outcome, view.folded_into) == ("received", "", None)
    with pytest.raises(ReportNotFound):
        world.registry.follow_report(filed["id"], "rs_wrong")
    with pytest.raises(ReportNotFound):
        world.registry.follow_report("00000000-0000-0000-0000-000000000000", filed["secret"])


def test_an_open_report_during_publicity_blocks_the_award_until_dealt_with(
    world: World,
) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    filed = report(world, c[0])
    world.clock.advance(days=10)
    with refused(world, CandidacyStateConflict):
        world.registry.award(world.body, world.scheme_id)
    # What the regulator's desk does when it deals with the report.
    r = world.registry
    found: Report = r.repository.get(UUID(filed["id"]))
    candidacy: Candidacy = r.repository.get(UUID(c[0]))
    found.close(outcome="Checked: the label is right.", actor=REGULATOR, at=r.now())
    candidacy.report_dealt_with(report=found, actor=REGULATOR, at=r.now())
    r.commit(found, candidacy)
    r.award(world.body, world.scheme_id)
    assert world.get(c[0]).status == "awarded"
    view = r.follow_report(filed["id"], filed["secret"])
    assert (view.status, view.outcome) == ("closed", "Checked: the label is right.")
    with pytest.raises(ReportAlreadyClosed):
        found.close(outcome="again", actor=REGULATOR, at=r.now())


def test_a_report_about_an_awarded_leader_or_an_enterprise_blocks_nothing(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    world.clock.advance(days=10)
    world.registry.award(world.body, world.scheme_id)
    report(world, c[0])
    report(world, credit_code(0), kind="enterprise")
    assert world.get(c[0]).open_reports == []


def test_the_same_text_about_the_same_target_is_folded_into_the_first(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    first = report(world, c[0])
    again = report(world, c[0], text="  the LABEL claims grade 1 but my meter reads far more. ")
    view = world.registry.follow_report(again["id"], again["secret"])
    assert (view.status, view.folded_into) == ("received", first["id"])
    assert again["id"] != first["id"]
    assert world.get(again["id"]).status == "folded"
    assert len(world.get(c[0]).open_reports) == 1  # the duplicate does not block again
    other = report(world, c[1])  # same text, another target: not a duplicate
    world.clock.advance(hours=25)
    late = report(world, c[0])  # past the window: a report of its own
    for fresh in (other, late):
        assert world.registry.follow_report(fresh["id"], fresh["secret"]).folded_into is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_kind": "scheme"}, "target_kind"),
        ({"target": "not-an-id"}, "candidacy_id"),
        ({"target": "00000000-0000-0000-0000-000000000000"}, "candidacy_id"),
        ({"target_kind": "enterprise", "target": "91120000X"}, "credit_code"),
        ({"grounds": "spite"}, "grounds"),
        ({"description": "  "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"evidence": ["e"] * 21}, "evidence"),
        ({"personal": PersonalData(email="nobody")}, "contact.email"),
        ({"personal": PersonalData(phone="call me")}, "contact.phone"),
        ({"personal": PersonalData(name="a\u202eb")}, "contact.name"),
    ],
)
def test_bad_reports_are_refused_naming_the_field(
    world: World, change: dict[str, object], field: str
) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    given: dict[str, object] = {
        "target_kind": "candidacy",
        "target": c[0],
        "grounds": "fraud",
        "description": "made up figures",
        "evidence": [],
        "personal": PersonalData(),
        **change,
    }
    before = world.position()
    with pytest.raises(InvalidReport) as caught:
        world.registry.file_report(ANONYMOUS, **given)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert world.position() == before


def test_personal_data_is_sealed_readable_by_a_regulator_then_erased(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    filed = report(world, c[0], personal=CONTACT)
    stored = world.get(filed["id"])
    assert "Li Wei" not in stored.sealed and "example.org" not in stored.sealed
    assert world.registry.report_personal_data(REGULATOR, filed["id"]) == CONTACT
    with pytest.raises(Forbidden):
        world.registry.report_personal_data(ADMIN, filed["id"])
    assert world.registry.vault.key(UUID(filed["id"])) is not None
    world.registry.erase_report_personal_data(REGULATOR, filed["id"], reason="asked by reporter")
    with pytest.raises(PersonalDataErased):
        world.registry.report_personal_data(REGULATOR, filed["id"])
    assert world.get(filed["id"]).sealed == stored.sealed  # the log is untouched
    with pytest.raises(Unsealable):  # and another key does not open it
        unseal(stored.sealed, b"\0" * 32, bound_to=stored.secret_hash)


def test_personal_data_past_the_retention_period_is_erased(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    old = report(world, c[0])
    world.clock.advance(days=300)
    recent = report(world, c[1])
    world.clock.advance(days=70)
    assert world.registry.erase_expired_personal_data() == 1
    with pytest.raises(PersonalDataErased):
        world.registry.report_personal_data(REGULATOR, old["id"])
    assert world.registry.report_personal_data(REGULATOR, recent["id"]) == CONTACT
    assert world.get(old["id"]).erased

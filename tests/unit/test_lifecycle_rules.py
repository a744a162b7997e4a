"""The DOMAIN.md rules, driven through the LeaderRegistry application on the in-memory store."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.candidacy import CandidacyStateConflict, CategoryMismatch, InvalidEvaluation
from domain.complaint import ComplaintAlreadyDecided
from domain.declaration import DeclarationWithdrawn
from domain.evaluation_body import BodySuspended, NotAccredited
from domain.ranking import IndicatorScore
from domain.scheme import NotSchemeBody, SchemeStateConflict
from registry.base import AlreadyExists
from registry.cases.access import Unauthenticated
from tests.worlds import (
    ADMIN,
    CATEGORY,
    OTHER_CATEGORY,
    PLATFORM,
    REGULATOR,
    World,
    award_cycle,
    complain,
    declare,
    draft,
    enter_and_evaluate,
    events,
    ranked,
    refused,
    register_body,
)


def statuses(world: World, ids: list[str]) -> list[str]:
    return [world.get(i).status for i in ids]


# Rule 1 ------------------------------------------------------------------------------------
def test_withdrawn_standard_cannot_be_entered(world: World) -> None:
    world.registry.withdraw_declaration(
        PLATFORM, world.declarations[0], reason="product discontinued"
    )
    with refused(world, DeclarationWithdrawn):
        world.registry.enter_candidate(
            world.body, world.scheme_id, declaration_id=world.declarations[0]
        )


def test_standard_withdrawn_after_evaluation_is_excluded_at_ranking(world: World) -> None:
    c = enter_and_evaluate(world, world.scheme_id, [120, 130, 125])
    world.registry.withdraw_declaration(PLATFORM, world.declarations[1], reason="replaced")
    world.registry.publish_ranking(world.body, world.scheme_id)
    withdrawn = world.get(c[1])
    assert (withdrawn.status, withdrawn.rank) == ("excluded", None)
    assert withdrawn.exclusion_reason == "the declared standard was withdrawn"
    assert [world.get(i).rank for i in (c[0], c[2])] == [2, 1]
    assert world.get(world.scheme_id).qualified_ids == [UUID(c[2]), UUID(c[0])]


# Rule 2 ------------------------------------------------------------------------------------
def test_another_body_may_not_act_on_the_scheme(world: World) -> None:
    c = enter_and_evaluate(world, world.scheme_id, [120])
    other, _ = register_body(world.registry, "Another Institute", [CATEGORY])
    with refused(world, NotSchemeBody):
        world.registry.enter_candidate(other, world.scheme_id, declaration_id=world.declarations[1])
    with refused(world, NotSchemeBody):
        world.registry.evaluate(other, c[0], values=None, exclusion_reason="spite")
    with refused(world, NotSchemeBody):
        world.registry.publish_ranking(other, world.scheme_id)
    world.registry.publish_ranking(world.body, world.scheme_id)
    world.clock.advance(days=10)
    with refused(world, NotSchemeBody):
        world.registry.award(other, world.scheme_id)
    with refused(world, NotSchemeBody):
        world.registry.revoke_title(other, c[0], reason="spite")


def test_body_acts_only_within_its_accredited_categories(world: World) -> None:
    with refused(world, NotAccredited):
        draft(world, 2026, category=OTHER_CATEGORY, approve=None)
    foreign = declare(world, 50, category=OTHER_CATEGORY)
    with refused(world, CategoryMismatch):
        world.registry.enter_candidate(world.body, world.scheme_id, declaration_id=foreign)


def test_suspended_body_is_refused_everything(world: World) -> None:
    c = enter_and_evaluate(world, world.scheme_id, [120, 130])
    ranked_scheme = draft(world, 2024, publicity_days=0)
    titles = ranked(world, ranked_scheme, [120])
    world.registry.suspend_body(ADMIN, world.body_id, reason="conflict of interest")
    with refused(world, BodySuspended):
        world.registry.enter_candidate(
            world.body, world.scheme_id, declaration_id=world.declarations[2]
        )
    with refused(world, BodySuspended):
        world.registry.evaluate(world.body, c[0], values=None, exclusion_reason="late")
    with refused(world, BodySuspended):
        world.registry.publish_ranking(world.body, world.scheme_id)
    with refused(world, BodySuspended):
        world.registry.award(world.body, ranked_scheme)
    with refused(world, BodySuspended):
        world.registry.revoke_title(world.body, titles[0], reason="late")
    with refused(world, BodySuspended):
        draft(world, 2026)


@pytest.mark.parametrize("approve", [None, False], ids=["draft", "rejected"])
def test_unapproved_scheme_takes_no_candidates(world: World, approve: bool | None) -> None:
    scheme_id = draft(world, 2026, approve=approve)
    with refused(world, SchemeStateConflict):
        world.registry.enter_candidate(world.body, scheme_id, declaration_id=world.declarations[0])


# Rules 3 and 4 -----------------------------------------------------------------------------
def test_excluded_and_below_baseline_entries_keep_their_reason_and_are_not_ranked(
    world: World,
) -> None:
    c = ranked(world, world.scheme_id, [120, "invalid normative reference", 90, 130])
    assert statuses(world, c) == ["publicised", "excluded", "not_ranked", "publicised"]
    assert [world.get(i).rank for i in c] == [2, None, None, 1]
    assert world.get(c[1]).exclusion_reason == "invalid normative reference"
    assert "worse than baseline" in world.get(c[2]).exclusion_reason
    assert events(world, world.scheme_id, "RankingPublished")[0].ranked == 2


@pytest.mark.parametrize(
    ("values", "reason", "field"),
    [(None, None, "values"), (None, "  ", "reason"), ({"eff": Decimal(1)}, "spite", "values")],
)
def test_an_evaluation_is_values_or_an_exclusion_with_a_reason(
    world: World, values: dict[str, Decimal] | None, reason: str | None, field: str
) -> None:
    entry = world.registry.enter_candidate(
        world.body, world.scheme_id, declaration_id=world.declarations[0]
    )["id"]
    before = world.position()
    with pytest.raises(InvalidEvaluation) as refusal:
        world.registry.evaluate(world.body, entry, values=values, exclusion_reason=reason)
    assert (refusal.value.field, world.position()) == (field, before)


def test_entries_cannot_change_once_the_ranking_is_published(world: World) -> None:
    c = ranked(world, world.scheme_id, [120, "format problems"])
    with refused(world, SchemeStateConflict):
        world.registry.evaluate(world.body, c[1], values={"eff": Decimal(200)})
    assert world.get(c[1]).exclusion_reason == "format problems"


# Rules 5 and 6 -----------------------------------------------------------------------------
def test_equal_scores_share_a_rank_and_each_entry_has_its_breakdown(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 130, 120, 110])
    assert [world.get(i).rank for i in c] == [1, 1, 3, 4]
    assert statuses(world, c) == ["publicised", "publicised", "ranked", "ranked"]
    placed = events(world, c[2], "Ranked")[0]
    assert placed.score == Decimal("0.200000000")
    assert placed.breakdown == [
        IndicatorScore("eff", Decimal(120), Decimal(100), Decimal(1), Decimal("0.200000000"))
    ]


def test_ties_at_the_cut_off_all_qualify(world: World) -> None:
    c = ranked(world, world.scheme_id, [140, 130, 130, 110])
    assert [world.get(i).rank for i in c] == [1, 2, 2, 4]
    assert statuses(world, c) == ["publicised", "publicised", "publicised", "ranked"]


def test_award_waits_for_the_publicity_window(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120, 110])
    world.clock.advance(days=10, seconds=-1)
    with refused(world, SchemeStateConflict):
        world.registry.award(world.body, world.scheme_id)
    now = world.clock.advance(seconds=1)
    world.registry.award(world.body, world.scheme_id)
    assert statuses(world, c) == ["awarded", "awarded", "ranked"]
    assert world.get(c[0]).valid_until == now + timedelta(days=365)


def test_no_publicity_period_awards_at_once(world: World) -> None:
    scheme_id = draft(world, 2026, publicity_days=0)
    c = ranked(world, scheme_id, [130])
    world.registry.award(world.body, scheme_id)
    assert world.get(c[0]).status == "awarded"


def test_upheld_objection_during_publicity_blocks_the_award(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    complaint = complain(world, c[0], grounds="fraud")
    world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forged report")
    world.clock.advance(days=10)
    world.registry.award(world.body, world.scheme_id)
    assert statuses(world, c) == ["revoked", "awarded"]


def test_open_complaint_holds_the_award_until_decided(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 120])
    complaint = complain(world, c[1])
    world.clock.advance(days=10)
    with refused(world, CandidacyStateConflict):
        world.registry.award(world.body, world.scheme_id)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="report is sound")
    world.registry.award(world.body, world.scheme_id)
    assert statuses(world, c) == ["awarded", "awarded"]


# Rule 7 ------------------------------------------------------------------------------------
def test_expiry_only_ends_titles_past_their_validity(world: World) -> None:
    _, c = award_cycle(world, 2024, [130, 120, 110], validity_days=30)
    world.clock.advance(days=30, seconds=-1)
    assert world.registry.expire_titles(c) == 0
    assert statuses(world, c) == ["awarded", "awarded", "ranked"]
    world.clock.advance(seconds=1)
    assert world.registry.expire_titles(c) == 2
    assert statuses(world, c) == ["expired", "expired", "ranked"]
    assert world.get(c[0]).end_reason.startswith("validity ended")
    assert world.registry.expire_titles(c) == 0


def test_next_cycle_supersedes_only_the_active_titles_of_the_same_list(world: World) -> None:
    _, old = award_cycle(world, 2021, [130], validity_days=30)
    world.clock.advance(days=30)
    assert world.registry.expire_titles(old) == 1
    _, prev = award_cycle(world, 2023, [130, 120, 110])
    world.registry.revoke_title(world.body, prev[1], reason="failed market surveillance")
    _, local = award_cycle(world, 2023, [125], level="provincial", region="120000")
    scheme_id, new = award_cycle(world, 2024, [110, 130])
    assert statuses(world, new) == ["awarded", "awarded"]
    assert statuses(world, prev) == ["superseded", "revoked", "ranked"]
    assert world.get(prev[0]).end_reason == f"superseded by the list of scheme {scheme_id}"
    assert world.get(prev[1]).end_reason == "failed market surveillance"
    assert statuses(world, old + local) == ["expired", "awarded"]


# Rule 8 ------------------------------------------------------------------------------------
def test_complaints_only_against_publicised_or_awarded_entries(world: World) -> None:
    c = enter_and_evaluate(world, world.scheme_id, [130, 120, 110, "format problems"])
    with refused(world, CandidacyStateConflict):
        complain(world, c[0])
    world.registry.publish_ranking(world.body, world.scheme_id)
    for below_or_excluded in (c[2], c[3]):
        with refused(world, CandidacyStateConflict):
            complain(world, below_or_excluded)
    complaint = complain(world, c[0])
    assert world.get(c[0]).open_complaints == [UUID(complaint)]


@pytest.mark.parametrize("grounds", ["nonconformity", "fraud"])
def test_upheld_complaint_revokes_with_reason_and_decider(world: World, grounds: str) -> None:
    _, c = award_cycle(world, 2024, [130, 120])
    complaint = complain(world, c[0], grounds=grounds)
    now = world.clock.advance(days=3)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="lab retest failed")
    title = world.get(c[0])
    assert title.status == "revoked"
    assert title.end_reason == f"complaint upheld ({grounds}): lab retest failed"
    assert title.open_complaints == []
    revoked = events(world, c[0], "Revoked")[0]
    assert (revoked.actor, revoked.timestamp, revoked.complaint_id) == (
        REGULATOR,
        now,
        UUID(complaint),
    )
    assert world.get(c[1]).status == "awarded"


@pytest.mark.parametrize(("grounds", "upheld"), [("other", True), ("fraud", False)])
def test_other_or_dismissed_complaint_keeps_the_title(
    world: World, grounds: str, upheld: bool
) -> None:
    _, c = award_cycle(world, 2024, [130])
    complaint = complain(world, c[0], grounds=grounds)
    world.registry.decide_complaint(REGULATOR, complaint, upheld=upheld, findings="checked")
    title = world.get(c[0])
    assert (title.status, title.open_complaints, title.end_reason) == ("awarded", [], "")
    decided = world.get(complaint)
    assert (decided.status, decided.findings) == ("upheld" if upheld else "dismissed", "checked")
    with refused(world, ComplaintAlreadyDecided):
        world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="again")


# Rule 9 ------------------------------------------------------------------------------------
def test_state_before_a_revocation_can_be_reconstructed(world: World) -> None:
    _, c = award_cycle(world, 2024, [130])
    awarded_version = world.get(c[0]).version
    world.registry.revoke_title(REGULATOR, c[0], reason="fraud found by inspection")
    now = world.get(c[0])
    assert (now.status, now.version) == ("revoked", awarded_version + 1)
    then: Any = world.registry.repository.get(UUID(c[0]), version=awarded_version)
    assert (then.status, then.end_reason) == ("awarded", "")
    assert world.registry.repository.get(UUID(c[0]), version=1).status == "entered"


# Credentials and duplicates --------------------------------------------------------------
def test_revoked_expired_and_unknown_tokens_do_not_authenticate(world: World) -> None:
    expiring = world.registry.issue_credential(
        ADMIN, role="regulator", subject="AMR", expires_at=world.clock.now + timedelta(days=1)
    )
    assert world.registry.authenticate(expiring["token"]).role == "regulator"
    world.registry.revoke_credential(ADMIN, world.credential_id)
    with pytest.raises(Unauthenticated):
        world.registry.authenticate(world.token)
    world.clock.advance(days=1)
    with pytest.raises(Unauthenticated):
        world.registry.authenticate(expiring["token"])
    with pytest.raises(Unauthenticated):
        world.registry.authenticate(world.token[:-1] + ("A" if world.token[-1] != "A" else "B"))


def test_tokens_are_never_stored(world: World) -> None:
    extra = world.registry.issue_credential(ADMIN, role="regulator", subject="x", label="ent")
    notifications = world.registry.recorder.select_notifications(0, 1000)
    issued = [n for n in notifications if n.topic.endswith("Credential.Issued")]
    assert len(issued) == 2
    for token in (world.token, extra["token"]):
        assert all(token.encode() not in n.state for n in notifications)
    credential = world.get(extra["id"])
    assert credential.token_hash.encode() in issued[1].state
    assert credential.matches(extra["token"])


def test_duplicates_are_refused(world: World) -> None:
    with refused(world, AlreadyExists):
        declare(world, 0)
    with refused(world, AlreadyExists):
        world.registry.register_body(
            ADMIN, name="  tianjin quality  INSTITUTE ", kind="testing_institute", categories=["X"]
        )
    world.registry.enter_candidate(
        world.body, world.scheme_id, declaration_id=world.declarations[0]
    )
    with refused(world, AlreadyExists):
        world.registry.enter_candidate(
            world.body, world.scheme_id, declaration_id=world.declarations[0]
        )
    with refused(world, AlreadyExists):
        draft(world, 2025, approve=None)

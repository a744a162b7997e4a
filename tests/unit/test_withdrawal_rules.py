"""Rule 18: withdrawing a declared standard ends the titles it holds in force, at once."""

from __future__ import annotations

from uuid import UUID

from domain.candidacy import CandidacyStateConflict
from tests.worlds import PLATFORM, REGULATOR, World, award_cycle, complain, events, refused


def test_withdrawing_a_standard_ends_its_title_at_once(world: World) -> None:
    _, c = award_cycle(world, 2024, [130, 120])
    now = world.clock.advance(days=3)
    world.registry.withdraw_declaration(PLATFORM, world.declarations[0], reason="discontinued")
    title = world.get(c[0])
    assert title.status == "withdrawn"
    assert title.end_reason == "the declared standard was withdrawn: discontinued"
    assert not title.is_active_leader(now)
    ended = events(world, c[0], "Withdrawn")
    assert [(e.actor, e.timestamp) for e in ended] == [(PLATFORM, now)]
    assert world.get(c[1]).status == "awarded"  # another standard's title is untouched


def test_only_a_title_in_force_ends(world: World) -> None:
    _, old = award_cycle(world, 2021, [130], validity_days=30)
    world.clock.advance(days=30)
    assert world.registry.expire_titles(old) == 1
    _, c = award_cycle(world, 2024, [130])
    world.registry.revoke_title(REGULATOR, c[0], reason="fraud found by inspection")
    world.registry.withdraw_declaration(PLATFORM, world.declarations[0], reason="replaced")
    assert [world.get(old[0]).status, world.get(c[0]).status] == ["expired", "revoked"]
    assert events(world, c[0], "Withdrawn") == events(world, old[0], "Withdrawn") == []


def test_every_title_of_the_standard_ends(world: World) -> None:
    _, national = award_cycle(world, 2024, [130])
    _, local = award_cycle(world, 2024, [125], level="provincial", region="120000")
    world.registry.withdraw_declaration(PLATFORM, world.declarations[0], reason="replaced")
    assert [world.get(national[0]).status, world.get(local[0]).status] == ["withdrawn"] * 2


def test_an_upheld_fraud_finding_still_revokes_a_withdrawn_title(world: World) -> None:
    _, c = award_cycle(world, 2024, [130])
    complaint = complain(world, c[0], grounds="fraud")
    world.registry.withdraw_declaration(PLATFORM, world.declarations[0], reason="replaced")
    with refused(world, CandidacyStateConflict):
        complain(world, c[0])  # a title no longer in force takes no new complaint
    world.registry.decide_complaint(REGULATOR, complaint, upheld=True, findings="forged report")
    title = world.get(c[0])
    assert (title.status, title.open_complaints) == ("revoked", [])
    assert events(world, c[0], "Revoked")[0].complaint_id == UUID(complaint)

"""What can still stop a qualified entry during its publicity window (rules 1 and 6)."""

from __future__ import annotations

from decimal import Decimal as D

from domain.candidacy import InvalidEvaluation
from domain.credential import InvalidCredential
from tests.worlds import (
    ADMIN,
    PLATFORM,
    REGULATOR,
    World,
    complain,
    credit_code,
    ranked,
    refused,
)


def test_any_upheld_objection_during_publicity_blocks_the_award(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 125])
    objection = complain(world, c[0], grounds="other")
    world.registry.decide_complaint(REGULATOR, objection, upheld=True, findings="misleading labels")
    world.clock.advance(days=10)
    world.registry.award(world.body, world.scheme_id)
    blocked, winner = world.get(c[0]), world.get(c[1])
    assert blocked.status == "revoked" and "misleading labels" in blocked.end_reason
    assert winner.status == "awarded"


def test_a_standard_withdrawn_during_publicity_is_not_awarded(world: World) -> None:
    c = ranked(world, world.scheme_id, [130, 125])
    world.registry.withdraw_declaration(
        PLATFORM, world.declarations[0], reason="product discontinued"
    )
    world.clock.advance(days=10)
    world.registry.award(world.body, world.scheme_id)
    withdrawn = world.get(c[0])
    assert (withdrawn.status, withdrawn.end_reason) == (
        "revoked",
        "the declared standard was withdrawn",
    )
    assert world.get(c[1]).status == "awarded"


def test_enterprise_credentials_are_bound_to_a_valid_credit_code(world: World) -> None:
    with refused(world, InvalidCredential):
        world.registry.issue_credential(ADMIN, role="enterprise", subject="91120000XXXXXXXXXX")
    issued = world.registry.issue_credential(ADMIN, role="enterprise", subject=credit_code(3))
    assert world.registry.authenticate(issued["token"]).subject == credit_code(3)


def test_evaluated_units_must_be_the_schemes(world: World) -> None:
    cid = world.registry.enter_candidate(
        world.body, world.scheme_id, declaration_id=world.declarations[0]
    )["id"]
    with refused(world, InvalidEvaluation):
        world.registry.evaluate(world.body, cid, values={"eff": D(120)}, units={"eff": "kWh"})
    with refused(world, InvalidEvaluation):
        world.registry.evaluate(world.body, cid, values={"eff": D(120)}, units={"watts": "W"})
    world.registry.evaluate(world.body, cid, values={"eff": D(120)}, units={"eff": "%"})
    assert world.get(cid).values == {"eff": D(120)}

"""Drives a small but complete leader lifecycle through the application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.credit_code import make_credit_code
from domain.values import Actor, Enterprise, Indicator, Product
from registry.application import LeaderRegistry
from tests.clock import Clock

ADMIN = Actor("admin", "ops")
PLATFORM = Actor("platform", "national-platform")
REGULATOR = Actor("regulator", "Tianjin AMR")
CATEGORY = "C3851"
INDICATORS = [
    Indicator(
        "eei", "Energy efficiency index", "%", "core", "lower_is_better", Decimal(60), Decimal(2)
    ),
    Indicator("noise", "Noise", "dB(A)", "core", "lower_is_better", Decimal(40), Decimal(1)),
]


@dataclass
class World:
    registry: LeaderRegistry
    clock: Clock
    body: Actor
    declarations: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    candidacies: list[str] = field(default_factory=list)


def setup(registry: LeaderRegistry, clock: Clock, enterprises: int = 4) -> World:
    body_id = registry.register_body(
        ADMIN,
        name="Tianjin Institute of Standardization",
        kind="standardisation_institute",
        categories=[CATEGORY],
    )["id"]
    token = registry.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
    world = World(registry, clock, registry.authenticate(token))
    for n in range(enterprises):
        code = make_credit_code("91", "120000", 1000 + n)
        world.declarations.append(
            registry.declare(
                PLATFORM,
                enterprise=Enterprise(code, f"Fridge Maker {n}", "120000"),
                standard_number=f"Q/TJ {n:04d}-2024",
                title="Household refrigerators",
                product=Product("Refrigerator", f"BCD-{200 + n}", CATEGORY),
                indicators={"eei": Decimal(50 - n), "noise": Decimal(38)},
                disclosed_on=date(2024, 12, 1),
            )["id"]
        )
    return world


def approved_scheme(world: World, cycle: int, top_n: int = 2, publicity_days: int = 10) -> str:
    """A national refrigerator scheme of the world's body, drafted and approved."""
    r = world.registry
    scheme_id = r.draft_scheme(
        world.body,
        title=f"Refrigerators {cycle}",
        category=CATEGORY,
        cycle=cycle,
        level="national",
        region="",
        indicators=INDICATORS,
        top_n=top_n,
        publicity_days=publicity_days,
        validity_days=365,
    )["id"]
    r.review_scheme(ADMIN, scheme_id, approved=True, reason="")
    return scheme_id


def award_cycle(world: World, cycle: int, eei: list[int], top_n: int = 2) -> str:
    """Draft, approve, evaluate every declaration with the given eei values, rank and award."""
    r = world.registry
    scheme_id = approved_scheme(world, cycle, top_n)
    for declaration_id, value in zip(world.declarations, eei, strict=True):
        cid = r.enter_candidate(world.body, scheme_id, declaration_id=declaration_id)["id"]
        r.evaluate(world.body, cid, values={"eei": Decimal(value), "noise": Decimal(38)})
        world.candidacies.append(cid)
    r.publish_ranking(world.body, scheme_id)
    world.clock.advance(days=10)
    r.award(world.body, scheme_id)
    world.schemes.append(scheme_id)
    return scheme_id

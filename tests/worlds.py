"""The one world builder: an evaluation body with its credential and declared
refrigerators, driven through the application, and award cycles on top of it.

The application is a parameter: the unit tests build on the in-memory store
(`in_memory_world`), the integration and end-to-end tests on a real one
(`build_world(registry, clock, line=ENERGY)`). A `Line` says what the refrigerators are
rated by: `EFFICIENCY` (higher is better; the unit tests' figures) or `ENERGY` (an energy
efficiency index, lower is better; the integration tests' figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.credit_code import make_credit_code
from domain.values import Actor, Enterprise, Indicator, Product
from registry.application import LeaderRegistry
from tests.clock import Clock

ADMIN = Actor("admin", "ops")
PLATFORM = Actor("platform", "feed")
REGULATOR = Actor("regulator", "Tianjin AMR")
CATEGORY = "C3851"
OTHER_CATEGORY = "C3971"
REGION = "120000"
INDICATORS = [
    Indicator("eff", "Efficiency", "%", "core", "higher_is_better", Decimal(100), Decimal(1)),
    Indicator("noise", "Noise", "dB(A)", "basic", "lower_is_better", Decimal(40), Decimal(0)),
]
ENERGY_INDICATORS = [
    Indicator(
        "eei", "Energy efficiency index", "%", "core", "lower_is_better", Decimal(60), Decimal(2)
    ),
    Indicator("noise", "Noise", "dB(A)", "core", "lower_is_better", Decimal(40), Decimal(1)),
]


@dataclass(frozen=True)
class Line:
    """What a world's refrigerators are rated by: the indicators its schemes measure, what
    the n-th declaration declares, and what an evaluation scoring `value` records."""

    indicators: list[Indicator]
    declared: Callable[[int], dict[str, Decimal]]
    evaluated: Callable[[int], dict[str, Decimal]]


EFFICIENCY = Line(INDICATORS, lambda n: {"eff": Decimal(120)}, lambda v: {"eff": Decimal(v)})
ENERGY = Line(
    ENERGY_INDICATORS,
    lambda n: {"eei": Decimal(50 - n), "noise": Decimal(38)},
    lambda v: {"eei": Decimal(v), "noise": Decimal(38)},
)


@dataclass
class World:
    """An application, its clock, one evaluation body (as an actor) and what it did."""

    registry: LeaderRegistry
    clock: Clock
    body: Actor
    line: Line
    body_id: str = ""
    credential_id: str = ""
    token: str = ""
    scheme_id: str = ""  # the in-memory world's approved 2025 scheme
    declarations: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)  # awarded by `award_cycle`
    candidacies: list[str] = field(default_factory=list)  # entered by `enter_and_evaluate`

    def get(self, aggregate_id: str) -> Any:
        return self.registry.repository.get(UUID(aggregate_id))

    def position(self) -> int:
        return self.registry.recorder.max_notification_id() or 0


def credit_code(n: int) -> str:
    return make_credit_code("91", REGION, 1000 + n)


def in_memory(clock: Clock) -> LeaderRegistry:
    """The application on the in-memory (POPO) store."""
    return LeaderRegistry(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


def register_body(registry: LeaderRegistry, name: str, categories: list[str]) -> tuple[Actor, str]:
    """Register a body, issue it a credential and return (its actor, its id)."""
    body_id = registry.register_body(
        ADMIN, name=name, kind="testing_institute", categories=categories
    )["id"]
    token = registry.issue_credential(ADMIN, role="evaluation_body", subject=body_id)["token"]
    return registry.authenticate(token), body_id


def declare(world: World, n: int, *, category: str = CATEGORY) -> str:
    """The n-th enterprise's refrigerator, declared by the platform."""
    return world.registry.declare(
        PLATFORM,
        enterprise=Enterprise(credit_code(n), f"Fridge Maker {n}", REGION),
        standard_number=f"Q/TJ {n:04d}-2024",
        title="Household refrigerators",
        product=Product("Refrigerator", f"BCD-{200 + n}", category),
        indicators=world.line.declared(n),
        disclosed_on=date(2024, 12, 1),
    )["id"]


def build_world(
    registry: LeaderRegistry, clock: Clock, declarations: int = 4, *, line: Line
) -> World:
    """A body with a credential, and `declarations` refrigerators declared."""
    body_id = registry.register_body(
        ADMIN, name="Tianjin Quality Institute", kind="testing_institute", categories=[CATEGORY]
    )["id"]
    issued = registry.issue_credential(ADMIN, role="evaluation_body", subject=body_id, label="tqi")
    world = World(
        registry,
        clock,
        registry.authenticate(issued["token"]),
        line,
        body_id=body_id,
        credential_id=issued["id"],
        token=issued["token"],
    )
    world.declarations = [declare(world, n) for n in range(declarations)]
    return world


def in_memory_world(clock: Clock | None = None, declarations: int = 5) -> World:
    """The unit tests' world: on the in-memory store, rated by `EFFICIENCY`, its 2025
    scheme drafted and approved (`scheme_id`)."""
    clock = clock or Clock()
    world = build_world(in_memory(clock), clock, declarations, line=EFFICIENCY)
    world.scheme_id = draft(world)
    return world


def draft(
    world: World,
    cycle: int = 2025,
    *,
    category: str = CATEGORY,
    top_n: int | None = 2,
    publicity_days: int = 10,
    validity_days: int = 365,
    level: str = "national",
    region: str = "",
    approve: bool | None = True,
    top_share: Decimal | None = None,
) -> str:
    """Draft a scheme for the world's body; approve (True), reject (False) or leave (None)."""
    scheme_id = world.registry.draft_scheme(
        world.body,
        title=f"Refrigerators {cycle}",
        category=category,
        cycle=cycle,
        level=level,
        region=region,
        indicators=world.line.indicators,
        top_n=None if top_share is not None else top_n,
        top_share=top_share,
        publicity_days=publicity_days,
        validity_days=validity_days,
    )["id"]
    if approve is not None:
        reason = "" if approve else "indicators incomplete"
        world.registry.review_scheme(ADMIN, scheme_id, approved=approve, reason=reason)
    return scheme_id


def enter_and_evaluate(
    world: World, scheme_id: str, values: list[int | str], declarations: list[str] | None = None
) -> list[str]:
    """Enter declarations; evaluate each scoring `value`, or exclude it when value is a str."""
    candidacies = []
    for declaration_id, value in zip(declarations or world.declarations, values, strict=False):
        r = world.registry
        cid = r.enter_candidate(world.body, scheme_id, declaration_id=declaration_id)["id"]
        if isinstance(value, str):
            r.evaluate(world.body, cid, values=None, exclusion_reason=value)
        else:
            r.evaluate(world.body, cid, values=world.line.evaluated(value))
        candidacies.append(cid)
    world.candidacies.extend(candidacies)
    return candidacies


def ranked(world: World, scheme_id: str, values: list[int | str]) -> list[str]:
    candidacies = enter_and_evaluate(world, scheme_id, values)
    world.registry.publish_ranking(world.body, scheme_id)
    return candidacies


def award_cycle(
    world: World, cycle: int, values: list[int | str], **scheme: Any
) -> tuple[str, list[str]]:
    """A complete cycle: draft, approve, evaluate, rank, wait out the publicity, award."""
    scheme_id = draft(world, cycle, **scheme)
    candidacies = ranked(world, scheme_id, values)
    world.clock.advance(days=scheme.get("publicity_days", 10))
    world.registry.award(world.body, scheme_id)
    world.schemes.append(scheme_id)
    return scheme_id, candidacies


def complain(world: World, candidacy_id: str, grounds: str = "nonconformity") -> str:
    return world.registry.file_complaint(
        REGULATOR,
        candidacy_id=candidacy_id,
        complainant_kind="consumer",
        grounds=grounds,
        description="the product does not reach its declared efficiency",
        evidence=["test-report-17"],
    )["id"]


def events(world: World, aggregate_id: str, name: str) -> list[Any]:
    """The recorded events of one aggregate whose class is called `name`."""
    stored = world.registry.repository.event_store.get(UUID(aggregate_id))
    return [e for e in stored if type(e).__name__ == name]


@contextmanager
def refused(world: World, error: type[Exception]) -> Iterator[None]:
    """The block must raise `error` and record nothing."""
    before = world.position()
    with pytest.raises(error):
        yield
    assert world.position() == before

"""A small registry world, driven through the application on the in-memory (POPO) store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.credit_code import make_credit_code
from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.scheme import Scheme
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


def credit_code(n: int) -> str:
    return make_credit_code("91", REGION, 1000 + n)


def new_app(clock: Clock) -> LeaderRegistry:
    return LeaderRegistry(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


@dataclass
class World:
    app: LeaderRegistry
    clock: Clock
    body: Actor
    body_id: str
    credential_id: str
    token: str
    scheme_id: str
    declarations: list[str] = field(default_factory=list)

    def get(self, aggregate_id: str) -> Any:
        return self.app.repository.get(UUID(aggregate_id))

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0


@contextmanager
def refused(world: World, error: type[Exception]) -> Iterator[None]:
    """The block must raise `error` and record nothing."""
    before = world.position()
    with pytest.raises(error):
        yield
    assert world.position() == before


def register_body(app: LeaderRegistry, name: str, categories: list[str]) -> tuple[Actor, str]:
    """Register a body, issue it a credential and return (its actor, its id)."""
    body_id = app.register_body(ADMIN, name=name, kind="testing_institute", categories=categories)
    token = app.issue_credential(ADMIN, role="evaluation_body", subject=body_id["id"])["token"]
    return app.authenticate(token), body_id["id"]


def declare(app: LeaderRegistry, n: int, *, category: str = CATEGORY, eff: int = 120) -> str:
    return app.declare(
        PLATFORM,
        enterprise=Enterprise(credit_code(n), f"Fridge Maker {n}", REGION),
        standard_number=f"Q/TJ {n:04d}-2024",
        title="Household refrigerators",
        product=Product("Refrigerator", f"BCD-{200 + n}", category),
        indicators={"eff": Decimal(eff)},
        disclosed_on=date(2024, 12, 1),
    )["id"]


def draft(
    world: World,
    cycle: int = 2025,
    *,
    category: str = CATEGORY,
    top_n: int = 2,
    publicity_days: int = 10,
    validity_days: int = 365,
    level: str = "national",
    region: str = "",
    approve: bool | None = True,
) -> str:
    """Draft a scheme for the world's body; approve (True), reject (False) or leave (None)."""
    scheme_id = world.app.draft_scheme(
        world.body,
        title=f"Refrigerators {cycle}",
        category=category,
        cycle=cycle,
        level=level,
        region=region,
        indicators=INDICATORS,
        top_n=top_n,
        publicity_days=publicity_days,
        validity_days=validity_days,
    )["id"]
    if approve is not None:
        reason = "" if approve else "indicators incomplete"
        world.app.review_scheme(ADMIN, scheme_id, approved=approve, reason=reason)
    return scheme_id


def build_world(clock: Clock | None = None, declarations: int = 5) -> World:
    clock = clock or Clock()
    app = new_app(clock)
    body_id = app.register_body(
        ADMIN, name="Tianjin Quality Institute", kind="testing_institute", categories=[CATEGORY]
    )["id"]
    issued = app.issue_credential(ADMIN, role="evaluation_body", subject=body_id, label="tqi")
    world = World(
        app=app,
        clock=clock,
        body=app.authenticate(issued["token"]),
        body_id=body_id,
        credential_id=issued["id"],
        token=issued["token"],
        scheme_id="",
    )
    world.declarations = [declare(app, n) for n in range(declarations)]
    world.scheme_id = draft(world)
    return world


def enter_and_evaluate(
    world: World, scheme_id: str, values: list[int | str], declarations: list[str] | None = None
) -> list[str]:
    """Enter declarations; evaluate each with eff=value, or exclude it when value is a str."""
    candidacies = []
    for declaration_id, value in zip(declarations or world.declarations, values, strict=False):
        cid = world.app.enter_candidate(world.body, scheme_id, declaration_id=declaration_id)["id"]
        if isinstance(value, str):
            world.app.evaluate(world.body, cid, values=None, exclusion_reason=value)
        else:
            world.app.evaluate(world.body, cid, values={"eff": Decimal(value)})
        candidacies.append(cid)
    return candidacies


def events(world: World, aggregate_id: str, name: str) -> list[Any]:
    """The recorded events of one aggregate whose class is called `name`."""
    stored = world.app.repository.event_store.get(UUID(aggregate_id))
    return [e for e in stored if type(e).__name__ == name]


def ranked(world: World, scheme_id: str, values: list[int | str]) -> list[str]:
    candidacies = enter_and_evaluate(world, scheme_id, values)
    world.app.publish_ranking(world.body, scheme_id)
    return candidacies


def awarded_cycle(
    world: World, cycle: int, values: list[int | str], **scheme: Any
) -> tuple[str, list[str]]:
    """A complete cycle: draft, approve, evaluate, rank, wait out the publicity, award."""
    scheme_id = draft(world, cycle, **scheme)
    candidacies = ranked(world, scheme_id, values)
    world.clock.advance(days=scheme.get("publicity_days", 10))
    world.app.award(world.body, scheme_id)
    return scheme_id, candidacies


def complain(world: World, candidacy_id: str, grounds: str = "nonconformity") -> str:
    return world.app.file_complaint(
        REGULATOR,
        candidacy_id=candidacy_id,
        complainant_kind="consumer",
        grounds=grounds,
        description="the product does not reach its declared efficiency",
        evidence=["test-report-17"],
    )["id"]


# Aggregates built directly, without the application ---------------------------------------
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
BODY_ACTOR = Actor("evaluation_body", "body")


def new_body() -> EvaluationBody:
    return EvaluationBody.register(
        name="Body", kind="testing_institute", categories=[CATEGORY], actor=ADMIN, at=T0
    )


def new_declaration(category: str = CATEGORY) -> Declaration:
    return Declaration.declare(
        enterprise=Enterprise(credit_code(1), "Maker", "120000"),
        standard_number="Q/TJ 0001-2024",
        title="Fridges",
        product=Product("Fridge", "X", category),
        indicators={"eff": Decimal(120)},
        disclosed_on=date(2024, 12, 1),
        committed=True,
        actor=Actor("platform", "feed"),
        at=T0,
    )


def new_scheme(status: str = "draft") -> Scheme:
    """A scheme in the given status (from "approved" on, it has one candidate)."""
    scheme = Scheme.draft(
        body=new_body(),
        title="Fridges",
        category=CATEGORY,
        cycle=2025,
        level="national",
        region="",
        indicators=INDICATORS,
        top_n=1,
        publicity_days=10,
        validity_days=365,
        actor=BODY_ACTOR,
        at=T0,
    )
    if status != "draft":
        scheme.review(approved=status != "rejected", reason="no", actor=ADMIN, at=T0)
    if status in ("approved", "ranked", "awarded"):
        scheme.enter_candidate(candidacy_id=uuid4(), actor=BODY_ACTOR, at=T0)
    if status in ("ranked", "awarded"):
        scheme.publish_ranking(ranked=1, qualified_ids=[], actor=BODY_ACTOR, at=T0)
    if status == "awarded":
        scheme.award(awarded_ids=[], actor=BODY_ACTOR, at=T0 + timedelta(days=10))
    assert scheme.status == status
    scheme.collect_events()
    return scheme

"""Aggregates built directly, without the application, for the state-machine and input
rule tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.scheme import Scheme
from domain.values import Actor, Enterprise, Product
from tests.worlds import ADMIN, CATEGORY, INDICATORS, credit_code

T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
BODY_ACTOR = Actor("evaluation_body", "body")


def new_body() -> EvaluationBody:
    return EvaluationBody.register(
        name="Body", kind="testing_institute", categories=[CATEGORY], actor=ADMIN, at=T0
    )


def new_declaration(
    category: str = CATEGORY, *, disclosed_on: date = date(2024, 12, 1), at: datetime = T0
) -> Declaration:
    """A declaration by the platform, disclosed on the given day and declared `at`."""
    return Declaration.declare(
        enterprise=Enterprise(credit_code(1), "Maker", "120000"),
        standard_number="Q/TJ 0001-2024",
        title="Fridges",
        product=Product("Fridge", "X", category),
        indicators={"eff": Decimal(120)},
        disclosed_on=disclosed_on,
        committed=True,
        actor=Actor("platform", "feed"),
        at=at,
    )


def new_scheme(status: str = "draft", *, level: str = "national", region: str = "") -> Scheme:
    """A scheme in the given status (from "approved" on, it has one candidate)."""
    scheme = Scheme.draft(
        body=new_body(),
        title="Fridges",
        category=CATEGORY,
        cycle=2025,
        level=level,
        region=region,
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

"""The permission table, checked action by action through the application's methods."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from domain.report import PersonalData
from domain.scheme import NotSchemeBody
from domain.values import Actor, Enterprise, Product, Role
from registry.base import Receipt
from registry.permissions import PERMISSIONS, Forbidden
from tests.worlds import (
    ADMIN,
    CATEGORY,
    INDICATORS,
    PLATFORM,
    REGION,
    REGULATOR,
    World,
    award_cycle,
    complain,
    credit_code,
    draft,
    enter_and_evaluate,
    in_memory_world,
    ranked,
    refused,
    register_body,
)


@dataclass
class Targets:
    """A world holding a record in the right state for every action of the table."""

    world: World
    draft_scheme: str  # to review
    entered: str  # a candidacy waiting for its evaluation, in world.scheme_id
    evaluated_scheme: str  # every candidate evaluated: ready to rank
    ranked_scheme: str  # publicity over: ready to award
    title: str  # an awarded title: complaints and revocations
    complaint: str  # an open complaint on another title
    own_complaint: str  # an open complaint on the title of credit_code(0)
    report: str  # a public report about the title, its personal data not erased
    suspended_body: str  # another body, suspended: to reinstate
    subscription: str  # the subscriber's webhook subscription, active


def build_targets() -> Targets:
    world = in_memory_world(declarations=6)
    _, titles = award_cycle(world, 2021, [130, 120], publicity_days=0)
    complaint = complain(world, titles[1])
    own_complaint = complain(world, titles[0], grounds="other")
    evaluated_scheme = draft(world, 2022)
    enter_and_evaluate(world, evaluated_scheme, [130, 120])
    ranked_scheme = draft(world, 2023, publicity_days=0)
    ranked(world, ranked_scheme, [130, 120])
    entered = world.registry.enter_candidate(
        world.body, world.scheme_id, declaration_id=world.declarations[0]
    )["id"]
    world.registry.define_category(ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Fridges")
    _, suspended_body = register_body(world.registry, "Suspended Body", [CATEGORY])
    world.registry.suspend_body(ADMIN, suspended_body, reason="audit")
    return Targets(
        world=world,
        draft_scheme=draft(world, 2026, approve=None),
        entered=entered,
        evaluated_scheme=evaluated_scheme,
        ranked_scheme=ranked_scheme,
        title=titles[0],
        complaint=complaint,
        own_complaint=own_complaint,
        report=world.registry.file_report(
            Actor("public", ""),
            target_kind="candidacy",
            target=titles[0],
            grounds="other",
            description="the shop label differs",
            evidence=[],
            personal=PersonalData(email="me@example.org"),
        )["id"],
        suspended_body=suspended_body,
        subscription=world.registry.register_subscription(SUBSCRIBER, url=ENDPOINT, filters={})[
            "id"
        ],
    )


SUBSCRIBER = Actor(Role.SUBSCRIBER.value, "a bank")
ENDPOINT = "https://93.184.215.14/hooks"  # a public address: nothing to resolve


def product() -> Product:
    return Product("Refrigerator", "BCD-999", CATEGORY)


CALLS: dict[str, Callable[[Targets, Actor], Receipt]] = {
    "register_body": lambda t, a: t.world.registry.register_body(
        a, name="New Body", kind="industry_alliance", categories=[CATEGORY]
    ),
    "suspend_body": lambda t, a: t.world.registry.suspend_body(a, t.world.body_id, reason="audit"),
    "reinstate_body": lambda t, a: t.world.registry.reinstate_body(
        a, t.suspended_body, reason="audit passed"
    ),
    "change_body_categories": lambda t, a: t.world.registry.change_body_categories(
        a, t.world.body_id, categories=["C3852"], reason="re-accredited"
    ),
    "issue_credential": lambda t, a: t.world.registry.issue_credential(
        a, role="regulator", subject="X"
    ),
    "revoke_credential": lambda t, a: t.world.registry.revoke_credential(a, t.world.credential_id),
    "rotate_credential": lambda t, a: t.world.registry.rotate_credential(a, t.world.credential_id),
    "define_category": lambda t, a: t.world.registry.define_category(
        a, code="C3852", name_zh="房间空气调节器", name_en="Room air conditioners"
    ),
    "rename_category": lambda t, a: t.world.registry.rename_category(
        a, CATEGORY, name_en="Household refrigerators", reason="the full name"
    ),
    "declare": lambda t, a: t.world.registry.declare(
        a,
        enterprise=Enterprise(credit_code(0), "Fridge Maker 0", REGION),
        standard_number="Q/TJ 9999-2025",
        title="Freezers",
        product=product(),
        indicators={"eff": Decimal(140)},
        disclosed_on=date(2025, 1, 2),
    ),
    "revise_declaration": lambda t, a: t.world.registry.revise_declaration(
        a,
        t.world.declarations[0],
        title="Refrigerators, revised",
        product=product(),
        indicators={"eff": Decimal(125)},
        disclosed_on=date(2025, 1, 2),
    ),
    "withdraw_declaration": lambda t, a: t.world.registry.withdraw_declaration(
        a, t.world.declarations[0], reason="replaced"
    ),
    "draft_scheme": lambda t, a: t.world.registry.draft_scheme(
        a,
        title="Refrigerators 2027",
        category=CATEGORY,
        cycle=2027,
        level="national",
        region="",
        indicators=INDICATORS,
        top_n=3,
        publicity_days=10,
        validity_days=365,
    ),
    "review_scheme": lambda t, a: t.world.registry.review_scheme(
        a, t.draft_scheme, approved=True, reason=""
    ),
    "enter_candidate": lambda t, a: t.world.registry.enter_candidate(
        a, t.world.scheme_id, declaration_id=t.world.declarations[5]
    ),
    "evaluate": lambda t, a: t.world.registry.evaluate(a, t.entered, values={"eff": Decimal(121)}),
    "publish_ranking": lambda t, a: t.world.registry.publish_ranking(a, t.evaluated_scheme),
    "award": lambda t, a: t.world.registry.award(a, t.ranked_scheme),
    "file_complaint": lambda t, a: t.world.registry.file_complaint(
        a,
        candidacy_id=t.title,
        complainant_kind="regulator",
        grounds="nonconformity",
        description="spot check failed",
        evidence=[],
    ),
    "investigate_complaint": lambda t, a: t.world.registry.investigate_complaint(a, t.complaint),
    "answer_complaint": lambda t, a: t.world.registry.answer_complaint(
        a, t.own_complaint, statement="our own retest passed"
    ),
    "dismiss_report": lambda t, a: t.world.registry.dismiss_report(a, t.report, reason="unfounded"),
    "open_complaint_from_report": lambda t, a: t.world.registry.open_complaint_from_report(
        a, t.report
    ),
    "decide_complaint": lambda t, a: t.world.registry.decide_complaint(
        a, t.complaint, upheld=False, findings="unfounded"
    ),
    "revoke_title": lambda t, a: t.world.registry.revoke_title(a, t.title, reason="fraud"),
    "erase_report_personal_data": lambda t, a: t.world.registry.erase_report_personal_data(
        a, t.report, reason="asked by the reporter"
    ),
    "register_subscription": lambda t, a: t.world.registry.register_subscription(
        a, url=ENDPOINT, filters={"types": ["Candidacy.Awarded"]}
    ),
    "manage_subscription": lambda t, a: t.world.registry.pause_subscription(a, t.subscription),
}


def actor_for(role: Role, targets: Targets) -> Actor:
    """An actor of the role whose subject owns the targets, so only the role can refuse it."""
    subjects = {
        Role.EVALUATION_BODY: targets.world.body_id,
        Role.ENTERPRISE: credit_code(0),
        Role.ADMIN: ADMIN.subject,
        Role.REGULATOR: REGULATOR.subject,
        Role.PLATFORM: PLATFORM.subject,
        Role.SUBSCRIBER: SUBSCRIBER.subject,
    }
    return Actor(role.value, subjects.get(role, "registry"))


def test_every_action_of_the_table_is_covered() -> None:
    assert set(CALLS) == set(PERMISSIONS)
    assert all(
        roles <= {r.value for r in Role if r is not Role.SYSTEM} for roles in PERMISSIONS.values()
    )


REFUSED = [
    (action, role) for action in PERMISSIONS for role in Role if role not in PERMISSIONS[action]
]
ALLOWED = [(action, Role(role)) for action in PERMISSIONS for role in sorted(PERMISSIONS[action])]


@pytest.mark.parametrize(("action", "role"), REFUSED)
def test_role_outside_the_table_is_forbidden_and_nothing_recorded(action: str, role: Role) -> None:
    targets = build_targets()
    with refused(targets.world, Forbidden):
        CALLS[action](targets, actor_for(role, targets))


@pytest.mark.parametrize(("action", "role"), ALLOWED)
def test_role_in_the_table_may_act(action: str, role: Role) -> None:
    targets = build_targets()
    before = targets.world.position()
    receipt = CALLS[action](targets, actor_for(role, targets))
    assert receipt["position"] == targets.world.position() > before


# Scope ------------------------------------------------------------------------------------
ENTERPRISE_SCOPED = ["declare", "revise_declaration", "withdraw_declaration"]
BODY_SCOPED = ["enter_candidate", "evaluate", "publish_ranking", "award", "revoke_title"]


@pytest.mark.parametrize("action", ENTERPRISE_SCOPED)
def test_enterprise_may_not_act_for_another_credit_code(action: str) -> None:
    targets = build_targets()
    with refused(targets.world, Forbidden):
        CALLS[action](targets, Actor(Role.ENTERPRISE.value, credit_code(1)))


@pytest.mark.parametrize("action", BODY_SCOPED)
def test_body_may_not_act_on_another_bodys_scheme(action: str) -> None:
    targets = build_targets()
    other, _ = register_body(targets.world.registry, "Rival Institute", [CATEGORY])
    with refused(targets.world, NotSchemeBody):
        CALLS[action](targets, other)


@pytest.mark.parametrize("action", ENTERPRISE_SCOPED)
def test_platform_feed_acts_for_any_enterprise(action: str) -> None:
    targets = build_targets()
    assert CALLS[action](targets, Actor(Role.PLATFORM.value, "another-feed"))["position"] > 0


def test_enterprise_answers_only_complaints_about_its_own_candidacies() -> None:
    targets = build_targets()
    with refused(targets.world, Forbidden):
        CALLS["answer_complaint"](targets, Actor(Role.ENTERPRISE.value, credit_code(1)))


def test_regulator_revokes_any_bodys_title() -> None:
    targets = build_targets()
    CALLS["revoke_title"](targets, Actor(Role.REGULATOR.value, "another bureau"))
    assert targets.world.get(targets.title).status == "revoked"


def test_the_readme_shows_the_permission_table_as_declared() -> None:
    from pathlib import Path

    from registry.permissions import markdown_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert markdown_table() in readme

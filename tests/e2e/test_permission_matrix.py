"""The permission matrix over HTTP, generated from `registry.permissions.PERMISSIONS` (and,
for signing an audit checkpoint, `READ_PERMISSIONS`).

For every write endpoint: no token is 401, every role outside the action's row is 403, a
scoped role acting on another subject's record is 403 (nothing recorded in each case), and
the right role and subject succeed. Each test builds its world through the application and
drives only the request under test over HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx
import pytest

from domain.report import PersonalData
from domain.values import Actor, Role
from projections.audit.signed_checkpoints import Checkpointer
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from registry.application import LeaderRegistry
from registry.permissions import (
    ANONYMOUS_ACTIONS,
    PERMISSIONS,
    READ_PERMISSIONS,
    SCOPED_ROLES,
    SCOPES,
)
from registry.settings import Settings
from registry.signed_notes import open_checkpoint
from service.app import create_app
from tests.clock import Clock
from tests.e2e.api import KEY, Api, FakeReadSide, assert_problem, serve, signing
from tests.worlds import (
    ADMIN,
    CATEGORY,
    EFFICIENCY,
    REGION,
    World,
    complain,
    credit_code,
    declare,
    draft,
    enter_and_evaluate,
    ranked,
    register_body,
)

ROLES = sorted(role.value for role in Role if role is not Role.SYSTEM)
# Every action taken with a POST: the writes, and signing a checkpoint (which records no
# event; it signs the audit tree of the read models).
SIGN_CHECKPOINT = "sign_checkpoint"
ACTIONS = {**PERMISSIONS, SIGN_CHECKPOINT: READ_PERMISSIONS[SIGN_CHECKPOINT]}
BODY, ENTERPRISE = Role.EVALUATION_BODY.value, Role.ENTERPRISE.value
REGULATOR, PROVINCE = Role.REGULATOR.value, "130000"
SUBJECTS = {
    Role.ADMIN.value: "ops",
    Role.REGULATOR.value: "Tianjin AMR",
    Role.PLATFORM.value: "feed",
    Role.SUBSCRIBER.value: "a bank",
}
OWNER, STRANGER = credit_code(0), credit_code(99)  # owner of world.declarations[0]
# A body drafts its own scheme: there is no other owner to be wrong about.
UNOWNED = frozenset({"draft_scheme"})
ENDPOINT = "https://93.184.215.14/hooks"  # a public address: nothing to resolve
# Managing a subscription is one action with several endpoints; the matrix tries pausing.
ALSO_MANAGE = {
    f"/v1/subscriptions/{{subscription_id}}/{verb}" for verb in ("resume", "replay", "secret")
}


# Request bodies -----------------------------------------------------------------------------
def content(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Freezers",
        "product": {"name": "Refrigerator", "model": "BCD-999", "category": CATEGORY},
        "indicators": {"eff": "140"},
        "disclosed_on": "2025-01-02",
        "commitment": True,
        **extra,
    }


ENTERPRISE_IN = {"credit_code": OWNER, "name": "Fridge Maker 0", "region": REGION}
INDICATOR_IN = {
    "code": "eff",
    "name": "Efficiency",
    "unit": "%",
    "kind": "core",
    "direction": "higher_is_better",
    "baseline": "100",
    "weight": "1",
}
SCHEME = {
    "title": "Refrigerators 2027",
    "category": CATEGORY,
    "cycle": 2027,
    "level": "national",
    "region": "",
    "indicators": [INDICATOR_IN],
    "top_n": 3,
    "publicity_days": 10,
    "validity_days": 365,
}
COMPLAINT = {
    "complainant_kind": "regulator",
    "grounds": "nonconformity",
    "description": "spot check failed",
    "evidence": [],
}


# Worlds: each setup puts a record in the right state and returns (path params, body) -------
def issue(world: World, role: str, subject: str) -> dict[str, Any]:
    return dict(world.registry.issue_credential(ADMIN, role=role, subject=subject))


def public_report(world: World) -> str:
    """A report anyone filed about a publicised candidacy, with contact details."""
    return world.registry.file_report(
        Actor.anonymous(),
        target_kind="candidacy",
        target=publicised(world),
        grounds="other",
        description="the label differs from the shop's",
        evidence=[],
        personal=PersonalData(email="me@example.org"),
    )["id"]


def publicised(world: World) -> str:
    """A publicised candidacy (publicity_days 0, so its window has already closed)."""
    return ranked(world, draft(world, 2024, publicity_days=0), [130])[0]


def catalogued(world: World) -> str:
    """The world's category, defined in the catalogue."""
    world.registry.define_category(ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Fridge")
    return CATEGORY


def subscription(world: World) -> str:
    """A subscription of the subscriber "a bank"."""
    bank = Actor(Role.SUBSCRIBER.value, SUBJECTS[Role.SUBSCRIBER.value])
    return world.registry.register_subscription(bank, url=ENDPOINT, filters={})["id"]


def suspended(world: World) -> str:
    """The world's body, suspended."""
    world.registry.suspend_body(ADMIN, world.body_id, reason="audit")
    return world.body_id


def entered(world: World) -> str:
    scheme_id = draft(world, 2024)
    cid = world.registry.enter_candidate(
        world.body, scheme_id, declaration_id=world.declarations[0]
    )
    return cid["id"]


def ranked_scheme(world: World) -> str:
    """A ranked scheme whose publicity window (0 days) is over: ready to award."""
    scheme_id = draft(world, 2024, publicity_days=0)
    ranked(world, scheme_id, [130])
    return scheme_id


def evaluated_scheme(world: World) -> str:
    scheme_id = draft(world, 2024)
    enter_and_evaluate(world, scheme_id, [130])
    return scheme_id


Setup = Callable[[World], tuple[dict[str, str], Any]]
ENDPOINTS: dict[str, tuple[str, Setup]] = {
    "register_body": (
        "/v1/evaluation-bodies",
        lambda w: ({}, {"name": "New Body", "kind": "industry_alliance", "categories": [CATEGORY]}),
    ),
    "suspend_body": (
        "/v1/evaluation-bodies/{body_id}/suspension",
        lambda w: ({"body_id": w.body_id}, {"reason": "audit"}),
    ),
    "reinstate_body": (
        "/v1/evaluation-bodies/{body_id}/reinstatement",
        lambda w: ({"body_id": suspended(w)}, {"reason": "audit passed"}),
    ),
    "change_body_categories": (
        "/v1/evaluation-bodies/{body_id}/categories",
        lambda w: ({"body_id": w.body_id}, {"categories": ["C3852"], "reason": "re-accredited"}),
    ),
    "issue_credential": (
        "/v1/credentials",
        lambda w: ({}, {"role": "regulator", "subject": "Beijing AMR", "label": "x"}),
    ),
    "revoke_credential": (
        "/v1/credentials/{credential_id}/revocation",
        lambda w: ({"credential_id": issue(w, "regulator", "Beijing AMR")["id"]}, None),
    ),
    "rotate_credential": (
        "/v1/credentials/{credential_id}/rotation",
        lambda w: ({"credential_id": issue(w, "regulator", "Beijing AMR")["id"]}, None),
    ),
    "define_category": (
        "/v1/categories",
        lambda w: (
            {},
            {"code": "C3852", "name_zh": "房间空气调节器", "name_en": "Air conditioners"},
        ),
    ),
    "rename_category": (
        "/v1/categories/{code}/names",
        lambda w: ({"code": catalogued(w)}, {"name_en": "Fridges", "reason": "shorter"}),
    ),
    "declare": (
        "/v1/declarations",
        lambda w: ({}, content(enterprise=ENTERPRISE_IN, standard_number="Q/TJ 9999-2025")),
    ),
    "revise_declaration": (
        "/v1/declarations/{declaration_id}/revisions",
        lambda w: ({"declaration_id": w.declarations[0]}, content()),
    ),
    "withdraw_declaration": (
        "/v1/declarations/{declaration_id}/withdrawal",
        lambda w: ({"declaration_id": w.declarations[0]}, {"reason": "replaced"}),
    ),
    "draft_scheme": ("/v1/schemes", lambda w: ({}, SCHEME)),
    "review_scheme": (
        "/v1/schemes/{scheme_id}/approval",
        lambda w: ({"scheme_id": draft(w, 2024, approve=None)}, {"approved": True, "reason": ""}),
    ),
    "enter_candidate": (
        "/v1/schemes/{scheme_id}/candidates",
        lambda w: ({"scheme_id": draft(w, 2024)}, {"declaration_id": w.declarations[0]}),
    ),
    "evaluate": (
        "/v1/candidacies/{candidacy_id}/evaluations",
        lambda w: ({"candidacy_id": entered(w)}, {"values": {"eff": "121"}}),
    ),
    "publish_ranking": (
        "/v1/schemes/{scheme_id}/ranking",
        lambda w: ({"scheme_id": evaluated_scheme(w)}, None),
    ),
    "award": (
        "/v1/schemes/{scheme_id}/awards",
        lambda w: ({"scheme_id": ranked_scheme(w)}, None),
    ),
    "file_complaint": (
        "/v1/complaints",
        lambda w: ({}, {"candidacy_id": publicised(w), **COMPLAINT}),
    ),
    "investigate_complaint": (
        "/v1/complaints/{complaint_id}/investigation",
        lambda w: ({"complaint_id": complain(w, publicised(w))}, None),
    ),
    "answer_complaint": (  # a complaint about OWNER's candidacy
        "/v1/complaints/{complaint_id}/statement",
        lambda w: ({"complaint_id": complain(w, publicised(w))}, {"statement": "retest passed"}),
    ),
    "dismiss_report": (
        "/v1/reports/{report_id}/dismissal",
        lambda w: ({"report_id": public_report(w)}, {"reason": "unfounded"}),
    ),
    "open_complaint_from_report": (
        "/v1/reports/{report_id}/complaint",
        lambda w: ({"report_id": public_report(w)}, {}),
    ),
    "decide_complaint": (
        "/v1/complaints/{complaint_id}/decision",
        lambda w: (
            {"complaint_id": complain(w, publicised(w))},
            {"upheld": False, "findings": "unfounded"},
        ),
    ),
    "revoke_title": (
        "/v1/candidacies/{candidacy_id}/revocation",
        lambda w: ({"candidacy_id": publicised(w)}, {"reason": "fraud"}),
    ),
    "erase_report_personal_data": (
        "/v1/reports/{report_id}/erasure",
        lambda w: ({"report_id": public_report(w)}, {"reason": "asked by the reporter"}),
    ),
    "register_subscription": ("/v1/subscriptions", lambda w: ({}, {"url": ENDPOINT})),
    "manage_subscription": (
        "/v1/subscriptions/{subscription_id}/pause",
        lambda w: ({"subscription_id": subscription(w)}, None),
    ),
    SIGN_CHECKPOINT: ("/v1/audit/checkpoints", lambda w: ({}, None)),
}


# Writes anyone may make: (path, body for a world).
ANONYMOUS: dict[str, tuple[str, Callable[[World], dict[str, Any]]]] = {
    "file_report": (
        "/v1/reports",
        lambda w: {
            "candidacy_id": publicised(w),
            "grounds": "fraud",
            "description": "the figures were made up",
        },
    ),
}


# The application over HTTP -----------------------------------------------------------------
@dataclass
class Matrix(Api):
    """The service and a world in it, for trying one action as one role."""

    world: World

    def token(self, role: str, *, owner: bool = True) -> str:
        """A token for the role: the world's own subject, or (owner=False) another one (for
        a regulator: one of a province, whose jurisdiction misses the world's national lists)."""
        if role == REGULATOR and not owner:
            issued = self.world.registry.issue_credential(
                ADMIN, role=role, subject="Hebei AMR", region=PROVINCE
            )
            return str(issued["token"])
        if role == BODY:
            subject = self.world.body_id
            if not owner:
                subject = register_body(self.registry, "Rival Institute", [CATEGORY])[1]
        else:
            subject = (OWNER if owner else STRANGER) if role == ENTERPRISE else SUBJECTS[role]
        return str(issue(self.world, role, subject)["token"])

    async def attempt(
        self, action: str, role: str | None, *, owner: bool = True
    ) -> tuple[httpx.Response, int]:
        """Set the world up for `action`, then send its request; returns (answer, position)."""
        template, setup = ENDPOINTS[action]
        params, body = setup(self.world)
        headers = {"Authorization": f"Bearer {self.token(role, owner=owner)}"} if role else {}
        before = self.head()
        response = await self.client.post(template.format(**params), json=body, headers=headers)
        return response, before


class SigningReadSide(FakeReadSide):
    """The fake read side, with a real checkpoint signer (the configured key) over the real
    read-model tables, so that signing a checkpoint can succeed."""

    def __init__(self, settings: Settings, registry: LeaderRegistry) -> None:
        super().__init__(settings, registry)
        self.settings = settings
        self.writer = sync_engine(settings)

    @cached_property
    def checkpoints(self) -> Checkpointer:
        """Made on first use: only the tests that sign pay for migrating the read models."""
        schema.upgrade(self.writer, self.settings)
        return Checkpointer(self.writer, self.settings.audit_signer(), interval=0)

    async def close(self) -> None:
        await super().close()
        self.writer.dispose()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return signing(settings)


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Matrix]:
    async with serve(settings, clock, read_side=SigningReadSide, admin=False) as served:
        registry = served.registry
        body, body_id = register_body(registry, "Tianjin Quality Institute", [CATEGORY])
        world = World(
            registry, clock, body, EFFICIENCY, body_id=body_id, credential_id=body.credential_id
        )
        world.declarations = [declare(world, n) for n in range(2)]
        yield Matrix.of(served, world=world)


# The matrix --------------------------------------------------------------------------------
def cases(rows: list[tuple[str, str]]) -> list[Any]:
    return [pytest.param(action, role, id=f"{action}-{role}") for action, role in rows]


REFUSED = cases([(a, r) for a in ACTIONS for r in ROLES if r not in ACTIONS[a]])
ALLOWED = cases([(a, r) for a in ACTIONS for r in sorted(ACTIONS[a])])
SCOPED = cases(
    [(a, r) for a in ACTIONS if a not in UNOWNED for r in sorted(ACTIONS[a] & SCOPED_ROLES)]
)
# Rule 17: a regulator acts only within its region (on titles and the complaints about them).
REGIONAL = [a for a in ACTIONS if REGULATOR in ACTIONS[a] and a in SCOPES]


def test_every_action_and_write_endpoint_is_covered(sqlite_store: Settings) -> None:
    assert set(ENDPOINTS) == set(ACTIONS), "PERMISSIONS and the endpoint map drifted"
    paths = create_app(sqlite_store).openapi()["paths"]
    posts = {path for path, operations in paths.items() if "post" in operations}
    anonymous = {ANONYMOUS[action][0] for action in ANONYMOUS_ACTIONS}
    assert {template for template, _ in ENDPOINTS.values()} | anonymous | ALSO_MANAGE == posts
    assert all(roles <= set(ROLES) for roles in ACTIONS.values())
    assert paths["/v1/audit/checkpoints"]["post"]["operationId"] == SIGN_CHECKPOINT


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_no_token_is_unauthenticated(api: Matrix, action: str) -> None:
    response, before = await api.attempt(action, None)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.head() == before


@pytest.mark.parametrize(("action", "role"), REFUSED)
async def test_a_role_outside_the_row_is_forbidden(api: Matrix, action: str, role: str) -> None:
    response, before = await api.attempt(action, role)
    problem = assert_problem(response, 403)
    assert role in problem["detail"], "refused for its role, not its subject"
    assert api.head() == before


@pytest.mark.parametrize(("action", "role"), SCOPED)
async def test_a_scoped_role_may_not_act_for_another_subject(
    api: Matrix, action: str, role: str
) -> None:
    response, before = await api.attempt(action, role, owner=False)
    assert_problem(response, 403)
    assert api.head() == before


@pytest.mark.parametrize("action", REGIONAL)
async def test_a_regulator_may_not_act_outside_its_region(api: Matrix, action: str) -> None:
    response, before = await api.attempt(action, REGULATOR, owner=False)
    assert PROVINCE in assert_problem(response, 403)["detail"]
    assert api.head() == before


def test_every_regional_action_is_tried() -> None:
    assert set(REGIONAL) == {
        "file_complaint",
        "investigate_complaint",
        "decide_complaint",
        "revoke_title",
        "dismiss_report",
        "open_complaint_from_report",
    }


@pytest.mark.parametrize(("action", "role"), ALLOWED)
async def test_the_right_role_and_subject_may_act(api: Matrix, action: str, role: str) -> None:
    response, before = await api.attempt(action, role)
    assert response.status_code in (200, 201), response.text
    if action == SIGN_CHECKPOINT:  # a checkpoint signed by the configured key; no event
        assert response.status_code == 201
        checkpoint, signed_by = open_checkpoint(response.json()["note"], [KEY.verifier])
        assert signed_by == [KEY.verifier]
        assert checkpoint.size == response.json()["tree_size"]
        assert api.head() == before
    else:
        assert response.json()["position"] == api.head() > before


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("action", sorted(ANONYMOUS_ACTIONS))
async def test_anyone_may_make_an_anonymous_write_and_gets_no_credential(
    api: Matrix, action: str, role: str | None
) -> None:
    path, setup = ANONYMOUS[action]
    body = setup(api.world)
    headers = {"Authorization": f"Bearer {api.token(role)}"} if role else {}
    issued = credentials_issued(api)
    response = await api.client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert "token" not in response.json()
    assert credentials_issued(api) == issued


def credentials_issued(api: Matrix) -> int:
    notes = api.registry.recorder.select_notifications(0, 100_000)
    return sum(".Credential." in n.topic or n.topic.endswith(":Credential.Issued") for n in notes)


@pytest.mark.parametrize("role", ROLES)
async def test_only_a_regulator_reads_a_reports_personal_data(api: Matrix, role: str) -> None:
    path = f"/v1/reports/{public_report(api.world)}/personal-data"
    assert_problem(await api.client.get(path), 401)
    response = await api.client.get(path, headers={"Authorization": f"Bearer {api.token(role)}"})
    if role in READ_PERMISSIONS["read_report_personal_data"]:
        assert response.status_code == 200, response.text
        assert response.json()["email"] == "me@example.org"
    else:
        assert_problem(response, 403)

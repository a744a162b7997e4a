"""Every read answers exactly what its response model documents (on both stores), and
refuses query parameters it does not declare, naming them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter

from domain.candidacy import Status
from domain.report import PersonalData
from domain.values import Actor
from registry.settings import Settings
from registry.webhook_signing import WebhookKey
from service.schemas.leaders import TitleStatus
from tests.clock import Clock
from tests.e2e.api import Api, assert_problem, serve, signing
from tests.worlds import ADMIN, ENERGY, REGULATOR, award_cycle, build_world, complain, draft

CATEGORY = "C3851"


@dataclass
class Served(Api):
    """The service with a world in it, and a value for each path and required parameter."""

    values: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # by path, beyond auth

    def headers_for(self, path: str) -> dict[str, str]:
        """The admin's token, or what the read needs instead (a report's secret, ...)."""
        return {**self.auth(), **self.headers.get(path, {})}

    def reads(self, *, modelled: bool = True) -> list[tuple[str, APIRoute]]:
        """Every GET route of the API document, by its path: only those whose answer has a
        response model (JSON) if `modelled`."""
        found = []
        for context in iter_route_contexts(self.app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
                continue
            if not route.include_in_schema:
                continue  # the website's pages and the docs: HTML (tests/e2e/test_pages_http.py)
            if route.response_model or not modelled:
                found.append((context.path or route.path, route))
        return found

    def url(self, path: str) -> str:
        """The path with its parameters filled in from `values`."""
        names = re.findall(r"{(\w+)}", path)
        missing = [n for n in names if n not in self.values]
        assert not missing, f"{path}: give a value for {missing} in `world`"
        return path.format(**{n: self.values[n] for n in names})

    def required(self, route: APIRoute) -> dict[str, Any]:
        """Values for the route's required query parameters."""
        query = [p for p in route.dependant.query_params if p.field_info.is_required()]
        missing = [p.alias for p in query if p.alias not in self.values]
        assert not missing, f"{route.path}: give a value for {missing} in `world`"
        return {p.alias: self.values[p.alias] for p in query}


@pytest.fixture
async def world(settings: Settings, clock: Clock) -> AsyncIterator[Served]:
    """A catalogued category, a body's awarded scheme (two titles, one excluded candidate,
    one complaint filed and decided) after its earlier cycle's, a drafted scheme and a
    signed checkpoint."""
    keyed = signing(settings).model_copy(update={"webhook_signing_key": WebhookKey.generate().text})
    async with serve(keyed, clock) as api:
        api.registry.define_category(ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Fridges")
        world = build_world(api.registry, clock, 4, line=ENERGY)
        award_cycle(world, 2024, [41, 46])  # the list's earlier cycle, superseded
        scheme, candidacies = award_cycle(world, 2025, [40, 45, "missing test report", 48])
        draft(world, 2026, approve=None)
        complaint = complain(world, candidacies[1])
        api.registry.decide_complaint(REGULATOR, complaint, upheld=False, findings="conforms")
        complain(world, candidacies[0])
        report = api.registry.file_report(
            Actor.anonymous(),
            target_kind="candidacy",
            target=candidacies[0],
            grounds="other",
            description="the label differs",
            evidence=[],
            personal=PersonalData(name="Sun Li", email="sun@example.org"),
        )
        regulator = api.registry.issue_credential(ADMIN, role="regulator", subject="AMR")
        await api.settle()
        signed = await api.client.post("/v1/audit/checkpoints", headers=api.auth())
        assert signed.status_code == 201, signed.text
        bank = api.registry.issue_credential(ADMIN, role="subscriber", subject="a bank")
        subscription = api.registry.register_subscription(  # last: nothing to deliver
            Actor("subscriber", "a bank"), url="https://93.184.215.14/hooks", filters={}
        )
        await api.settle()
        head = api.head()
        values = {
            "subscription_id": subscription["id"],
            "scheme_id": scheme,
            "candidacy_id": candidacies[0],
            "complaint_id": complaint,
            "declaration_id": world.declarations[0],
            "body_id": world.body_id,
            "credit_code": (await api.read(f"/v1/candidacies/{candidacies[0]}")).json()[
                "enterprise"
            ]["credit_code"],
            "code": CATEGORY,
            "q": "Fridge",
            "position": 1,
            "tree_size": head,
            "first": 1,
            "second": head,
            "receipt": report["id"],
            "report_id": report["id"],
            "since": 0,
            "category": CATEGORY,
            "level": "national",
            "cycle": 2024,
        }
        headers = {
            "/v1/reports/{receipt}": {"X-Report-Secret": report["secret"]},
            "/v1/reports/{report_id}/personal-data": api.auth(regulator["token"]),
            "/v1/desk": api.auth(regulator["token"]),
            "/v1/subscriptions": api.auth(bank["token"]),
            "/v1/subscriptions/{subscription_id}": api.auth(bank["token"]),
            "/v1/subscriptions/{subscription_id}/deliveries": api.auth(bank["token"]),
        }
        yield Served.of(api, values=values, headers=headers)


async def test_every_read_answers_exactly_its_documented_model(world: Served) -> None:
    """Parsed by its response model and written back, each answer is unchanged: no field
    the model leaves out, none of another type (what a generated client relies on)."""
    checked = []
    for path, route in world.reads():
        url = world.url(path)
        params, headers = world.required(route), world.headers_for(path)
        response = await world.client.get(url, params=params, headers=headers)
        assert response.status_code == 200, (url, response.text)
        answer = response.json()
        model: TypeAdapter[Any] = TypeAdapter(route.response_model)
        parsed = model.validate_python(answer)
        assert model.dump_python(parsed, mode="json", exclude_unset=True) == answer, url
        checked.append(path)
    assert {"/v1/leaders", "/v1/events", "/v1/schemes/{scheme_id}/ranking"} <= set(checked)


async def test_the_feed_types_every_event_it_holds(world: Served) -> None:
    events = (await world.read("/v1/events", limit=1000)).json()["items"]
    kinds = {e["type"] for e in events}
    assert {"Scheme.Approved", "Candidacy.Ranked", "Complaint.Dismissed"} <= kinds


async def test_a_read_refuses_a_query_parameter_it_does_not_declare(world: Served) -> None:
    problem = assert_problem(await world.client.get("/v1/leaders?name=青岛"), 422, "name")
    assert "category" in problem["detail"]  # it says what the read accepts
    for path, route in world.reads(modelled=False):
        url = world.url(path)
        params = {**world.required(route), "bogus": "1"}
        response = await world.client.get(url, params=params, headers=world.headers_for(path))
        assert_problem(response, 422, "bogus")


async def test_a_single_valued_parameter_given_twice_is_refused(world: Served) -> None:
    assert_problem(await world.client.get("/v1/leaders?limit=1&limit=2"), 422, "limit")
    url = f"/v1/leaders?category={CATEGORY}&category=C3971"
    assert_problem(await world.client.get(url), 422, "category")


async def test_declared_parameters_still_filter(world: Served) -> None:
    url = f"/v1/leaders?category={CATEGORY}&level=national&limit=1&offset=1&min_position=1"
    response = await world.client.get(url)  # `read` would send no query but its own
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (2, 1, 1, 1)
    assert (await world.read("/v1/leaders", category="C3971")).json()["total"] == 0


def test_title_statuses_are_the_recorded_ones_and_under_complaint() -> None:
    recorded = {s.value for s in Status}
    assert {s.value for s in TitleStatus} == recorded | {"under_complaint"}

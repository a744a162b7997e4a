"""The browsable lists over HTTP on both stores: filters, totals, pages, as_of, bad input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from service.schemas.lists import (
    BodyPage,
    CandidacyPage,
    ComplaintPage,
    DeclarationPage,
    SchemePage,
)
from tests.e2e.api import Api, assert_problem
from tests.worlds import (
    ADMIN,
    CATEGORY,
    ENERGY,
    OTHER_CATEGORY,
    PLATFORM,
    REGULATOR,
    World,
    award_cycle,
    build_world,
    complain,
    credit_code,
    declare,
    draft,
)

SECOND = timedelta(seconds=1)
MODELS: dict[str, Any] = {
    "/v1/schemes": SchemePage,
    "/v1/evaluation-bodies": BodyPage,
    "/v1/declarations": DeclarationPage,
    "/v1/candidacies": CandidacyPage,
    "/v1/complaints": ComplaintPage,
}


@dataclass
class Story:
    """A world with a history: what happened, and when."""

    world: World
    other_body: str
    scheme: str
    leader: str
    second: str
    upheld: str
    pending: str
    before: datetime
    declared: datetime
    ranked: datetime
    awarded: datetime
    filed: datetime
    decided: datetime


async def story(api: Api) -> Story:
    """Two bodies, five declarations, a scheme awarded to two, a title revoked on a
    complaint, another complained of, a declaration withdrawn and a body suspended."""
    registry, clock = api.registry, api.clock
    before = clock.now - SECOND
    world = build_world(registry, clock, line=ENERGY)
    other = registry.register_body(
        ADMIN, name="Beijing Lab", kind="industry_association", categories=[OTHER_CATEGORY]
    )["id"]
    declare(world, 4, category=OTHER_CATEGORY)
    declared = clock.now
    ranked = clock.advance(days=1)
    scheme, (leader, second, *_) = award_cycle(world, 2024, [40, 45, 48, 50], top_n=2)
    awarded = clock.now
    draft(world, 2025, approve=None)
    draft(world, 2026, approve=False)
    filed = clock.advance(days=5)
    upheld = complain(world, leader, grounds="fraud")
    decided = clock.advance(days=5)
    registry.decide_complaint(REGULATOR, upheld, upheld=True, findings="forged report")
    pending = complain(world, second, grounds="other")
    clock.advance(days=1)
    registry.withdraw_declaration(PLATFORM, world.declarations[3], reason="discontinued")
    registry.suspend_body(ADMIN, other, reason="audit")
    await api.settle()
    return Story(
        world, other, scheme, leader, second, upheld, pending,
        before, declared, ranked, awarded, filed, decided,
    )  # fmt: skip


async def listed(api: Api, path: str, **params: Any) -> dict[str, Any]:
    response = await api.client.get(path, params=params)  # (`api.read` takes `status`)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    MODELS[path].model_validate(page, strict=True)  # every item as the OpenAPI says
    items, total, offset = page["items"], page["total"], page["offset"]
    if offset >= total:
        assert items == []
    else:  # a full page, or the last one
        assert len(items) == min(page["limit"], total - offset)
    return page


async def ids(api: Api, path: str, key: str = "id", **params: Any) -> list[str]:
    return [item[key] for item in (await listed(api, path, **params))["items"]]


async def test_schemes_bodies_and_declarations_filter_and_stand_as_of(api: Api) -> None:
    s = await story(api)
    body = s.world.body_id
    assert (await listed(api, "/v1/schemes"))["total"] == 3
    assert await ids(api, "/v1/schemes", status="awarded") == [s.scheme]
    assert len(await ids(api, "/v1/schemes", status="draft")) == 1
    assert await ids(api, "/v1/schemes", cycle=2024) == [s.scheme]
    assert len(await ids(api, "/v1/schemes", body_id=body, category=CATEGORY)) == 3
    assert await ids(api, "/v1/schemes", body_id=str(uuid4())) == []
    assert await ids(api, "/v1/schemes", category=OTHER_CATEGORY) == []
    assert len(await ids(api, "/v1/schemes", level="national")) == 3
    assert await ids(api, "/v1/schemes", level="municipal") == []
    # As the registry stood: no scheme before it was drafted; ranked before its award.
    assert await ids(api, "/v1/schemes", as_of=s.before.isoformat()) == []
    then = await listed(api, "/v1/schemes", as_of=s.ranked.isoformat())
    assert [(i["id"], i["status"], i["awarded_at"]) for i in then["items"]] == [
        (s.scheme, "ranked", None)
    ]
    assert then["as_of"] == s.ranked.isoformat()
    assert await ids(api, "/v1/schemes", as_of=s.ranked.isoformat(), status="awarded") == []

    assert (await listed(api, "/v1/evaluation-bodies"))["total"] == 2
    assert await ids(api, "/v1/evaluation-bodies", category=OTHER_CATEGORY) == [s.other_body]
    assert await ids(api, "/v1/evaluation-bodies", kind="testing_institute") == [body]
    assert await ids(api, "/v1/evaluation-bodies", status="suspended") == [s.other_body]
    assert (
        await ids(api, "/v1/evaluation-bodies", status="suspended", as_of=s.decided.isoformat())
        == []
    )

    declarations = s.world.declarations
    assert (await listed(api, "/v1/declarations"))["total"] == 5
    assert await ids(api, "/v1/declarations", credit_code=credit_code(1)) == [declarations[1]]
    assert await ids(api, "/v1/declarations", standard_number="Q/TJ 0002-2024") == [declarations[2]]
    assert await ids(api, "/v1/declarations", product_model="BCD-201") == [declarations[1]]
    assert len(await ids(api, "/v1/declarations", category=OTHER_CATEGORY)) == 1
    assert await ids(api, "/v1/declarations", status="withdrawn") == [declarations[3]]
    assert await ids(api, "/v1/declarations", status="withdrawn", as_of=s.decided.isoformat()) == []
    active_then = await listed(
        api, "/v1/declarations", status="active", as_of=s.decided.isoformat()
    )
    assert active_then["total"] == 5
    assert await ids(api, "/v1/declarations", as_of=s.before.isoformat()) == []


async def test_candidacies_and_complaints_stand_as_they_did(api: Api) -> None:
    s = await story(api)
    path = "/v1/candidacies"
    assert (await listed(api, path))["total"] == 4
    assert len(await ids(api, path, "candidacy_id", scheme_id=s.scheme)) == 4
    assert await ids(api, path, "candidacy_id", credit_code=credit_code(0)) == [s.leader]
    assert await ids(api, path, "candidacy_id", status="awarded") == []
    assert await ids(api, path, "candidacy_id", status="revoked") == [s.leader]
    assert await ids(api, path, "candidacy_id", status="under_complaint") == [s.second]
    assert len(await ids(api, path, "candidacy_id", status="ranked")) == 2
    # Before the award nothing was awarded; a revoked title was awarded until revoked.
    at = {"as_of": s.ranked.isoformat()}
    assert await ids(api, path, "candidacy_id", status="awarded", **at) == []
    publicised = await listed(api, path, status="publicised", **at)
    assert {i["candidacy_id"] for i in publicised["items"]} == {s.leader, s.second}
    assert all(i["awarded_at"] is None and i["rank"] for i in publicised["items"])
    at = {"as_of": (s.filed - SECOND).isoformat()}
    assert set(await ids(api, path, "candidacy_id", status="awarded", **at)) == {
        s.leader,
        s.second,
    }
    leader = await listed(api, path, credit_code=credit_code(0), as_of=s.filed.isoformat())
    assert [i["status"] for i in leader["items"]] == ["under_complaint"]
    leader = await listed(api, path, credit_code=credit_code(0), as_of=s.decided.isoformat())
    assert [i["status"] for i in leader["items"]] == ["revoked"]
    assert await ids(api, path, "candidacy_id", as_of=(s.ranked - SECOND).isoformat()) == []
    later = (s.awarded + timedelta(days=400)).isoformat()  # past validity, before any sweep
    assert await ids(api, path, "candidacy_id", status="expired", as_of=later) == [s.second]
    assert await ids(api, path, "candidacy_id", status="under_complaint") == [s.second]
    api.clock.advance(days=400)  # no event: the clock alone ends the title (and the cached page)
    assert await ids(api, path, "candidacy_id", status="under_complaint") == []
    assert await ids(api, path, "candidacy_id", status="expired") == [s.second]

    path = "/v1/complaints"
    assert await ids(api, path) == [s.pending, s.upheld]  # newest filed first
    assert await ids(api, path, status="filed") == [s.pending]
    assert await ids(api, path, status="upheld", grounds="fraud") == [s.upheld]
    assert await ids(api, path, credit_code=credit_code(0)) == [s.upheld]
    assert await ids(api, path, candidacy_id=s.second) == [s.pending]
    then = await listed(api, path, as_of=s.filed.isoformat())
    assert [(i["id"], i["status"], i["findings"]) for i in then["items"]] == [
        (s.upheld, "filed", None)
    ]
    item = (await listed(api, path, status="upheld"))["items"][0]
    assert item["findings"] == "forged report"
    assert item["enterprise"]["credit_code"] == credit_code(0)
    assert not {"description", "evidence", "filed_by_subject"} & set(item)


async def test_pages_add_up_and_bad_input_is_refused_by_name(api: Api) -> None:
    s = await story(api)
    assert len(s.world.declarations) == 4  # and one more, in another category
    pages = [await listed(api, "/v1/declarations", limit=2, offset=n) for n in (0, 2, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert {p["total"] for p in pages} == {5}
    seen = [i["id"] for p in pages for i in p["items"]]
    assert len(set(seen)) == 5
    assert seen == await ids(api, "/v1/declarations")  # the same stable order
    far = await listed(api, "/v1/candidacies", offset=1_000_000)
    assert (far["items"], far["total"]) == ([], 4)
    refused: list[tuple[str, dict[str, Any], str]] = [
        ("/v1/declarations", {"offset": 1_000_001}, "offset"),
        ("/v1/declarations", {"limit": 0}, "limit"),
        ("/v1/schemes", {"limit": 201}, "limit"),
        ("/v1/schemes", {"status": "bogus"}, "status"),
        ("/v1/schemes", {"level": "galactic"}, "level"),
        ("/v1/schemes", {"cycle": "soon"}, "cycle"),
        ("/v1/schemes", {"body_id": "not-a-uuid"}, "body_id"),
        ("/v1/schemes", {"region": "12"}, "region"),
        ("/v1/schemes", {"as_of": "2025-01-01T00:00:00"}, "as_of"),
        ("/v1/evaluation-bodies", {"kind": "oracle"}, "kind"),
        ("/v1/evaluation-bodies", {"category": "c3851%"}, "category"),
        ("/v1/declarations", {"credit_code": "91120000XXXXXXXXXX"}, "credit_code"),
        ("/v1/declarations", {"product_model": " "}, "product_model"),
        ("/v1/declarations", {"status": "lost"}, "status"),
        ("/v1/candidacies", {"status": "crowned"}, "status"),
        ("/v1/candidacies", {"scheme_id": "x"}, "scheme_id"),
        ("/v1/complaints", {"grounds": "spite"}, "grounds"),
        ("/v1/complaints", {"candidacy_id": "%"}, "candidacy_id"),
    ]
    for path, params, field in refused:
        assert_problem(await api.client.get(path, params=params), 422, field)

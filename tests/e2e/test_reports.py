"""Public reports over HTTP, on both stores: anyone files one and follows it; the award
waits for it; personal data is private, readable by a regulator, then erased for good
while `leader-registry verify` still passes; limits, duplicates and bad input."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from cli.main import main
from domain.candidacy import Candidacy
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, assert_problem, serve
from tests.worlds import ENERGY, build_world, credit_code, draft, ranked

CONTACT = {"name": "Wang Fang", "phone": "+86 139 1111 2222", "email": "wang.fang@example.org"}
PRIVATE = "I work at the shop; please do not name me."


@dataclass
class Publicised(Api):
    """The service, a world with one scheme's entries publicised (window of 10 days)."""

    scheme_id: str = ""
    body: str = ""
    entries: tuple[str, ...] = ()


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[Publicised]:
    async with serve(settings, clock) as served:
        world = build_world(served.registry, clock, 3, line=ENERGY)
        scheme_id = draft(world, 2025, publicity_days=10)
        entries = ranked(world, scheme_id, [40, 45])
        await served.settle()
        yield Publicised.of(served, scheme_id=scheme_id, body=world.token, entries=tuple(entries))


def report(api: Publicised, **change: Any) -> dict[str, Any]:
    return {
        "candidacy_id": api.entries[0],
        "grounds": "nonconformity",
        "description": "My meter shows twice the declared consumption.",
        "evidence": ["https://example.org/meter.jpg"],
        "contact": CONTACT,
        "private": PRIVATE,
        **change,
    }


async def test_anyone_reports_gets_a_receipt_and_secret_only_and_the_award_waits(
    api: Publicised,
) -> None:
    filed = await api.post("/v1/reports", report(api))
    assert filed.status_code == 201, filed.text
    answer = filed.json()
    assert set(answer) == {"receipt", "secret"} and answer["secret"].startswith("rs_")
    assert "registry-consistency" not in filed.headers  # every read model took it in
    assert not api.read_side.halted
    followed = await api.client.get(
        f"/v1/reports/{answer['receipt']}", headers={"X-Report-Secret": answer["secret"]}
    )
    assert followed.status_code == 200, followed.text
    assert followed.json()["status"] == "received" and followed.json()["outcome"] == ""
    assert followed.headers["cache-control"] == "no-store"
    wrong = await api.client.get(
        f"/v1/reports/{answer['receipt']}", headers={"X-Report-Secret": "rs_guess"}
    )
    assert_problem(wrong, 404)
    assert_problem(await api.client.get(f"/v1/reports/{answer['receipt']}"), 422, "X-Report-Secret")
    api.clock.advance(days=11)
    award = await api.post(f"/v1/schemes/{api.scheme_id}/awards", None, api.body)
    assert_problem(award, 409)
    assert "open report" in award.json()["detail"]


async def test_personal_data_is_only_a_regulators_then_erased_and_the_log_verifies(
    api: Publicised, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed = (await api.post("/v1/reports", report(api))).json()
    await api.settle()
    public = [
        await api.client.get("/v1/events", params={"after": 0, "limit": 1000}),
        await api.client.get(f"/v1/candidacies/{api.entries[0]}/history"),
        await api.client.get("/v1/audit/export"),
        await api.client.get(f"/leaders/{api.entries[0]}"),
    ]
    for answer in public:
        assert answer.status_code == 200, answer.text
        for secret in (*CONTACT.values(), PRIVATE, filed["secret"], "twice the declared"):
            assert secret not in answer.text
    leaves = [json.loads(line) for line in public[2].text.splitlines()]
    headers = [leaf for leaf in leaves if leaf.get("aggregate_type") == "Report"]
    assert headers and all(leaf["private"] is True for leaf in headers)  # a header, no content
    regulator = (await api.issue("regulator", "Tianjin AMR"))["token"]
    path = f"/v1/reports/{filed['receipt']}/personal-data"
    anonymous = await api.client.get(path)
    assert_problem(anonymous, 401)
    admin = await api.client.get(path, headers=api.auth())
    assert_problem(admin, 403)
    read = await api.client.get(path, headers=api.auth(regulator))
    assert read.status_code == 200, read.text
    assert read.json() == {**CONTACT, "private": PRIVATE}
    head = api.head()
    erased = await api.post(
        f"/v1/reports/{filed['receipt']}/erasure", {"reason": "asked by the reporter"}, regulator
    )
    assert erased.status_code == 200, erased.text
    assert api.head() == head + 1  # the erasure is recorded; nothing is deleted
    assert_problem(await api.client.get(path, headers=api.auth(regulator)), 409)
    again = await api.post(f"/v1/reports/{filed['receipt']}/erasure", {"reason": "x"}, regulator)
    assert_problem(again, 409)
    followed = await api.client.get(
        f"/v1/reports/{filed['receipt']}", headers={"X-Report-Secret": filed["secret"]}
    )
    assert followed.status_code == 200  # the reporter still follows it
    await api.settle()
    monkeypatch.setenv("REGISTRY_DATABASE_URL", api.settings.database_url)
    monkeypatch.setenv("REGISTRY_READ_SCHEMA", api.settings.read_schema)
    assert main(["verify"]) == 0


async def test_the_same_text_is_folded_and_an_idempotent_retry_answers_alike(
    api: Publicised,
) -> None:
    first = (await api.post("/v1/reports", report(api))).json()
    same = report(api, description="  my METER shows twice the declared consumption. ")
    folded = (await api.post("/v1/reports", same)).json()
    assert folded["receipt"] != first["receipt"]
    followed = await api.client.get(
        f"/v1/reports/{folded['receipt']}", headers={"X-Report-Secret": folded["secret"]}
    )
    assert followed.json()["folded_into"] == first["receipt"]
    body = report(api, description="The door seal is missing.")
    headers = {"Idempotency-Key": "report-1"}
    once = await api.client.post("/v1/reports", json=body, headers=headers)
    head = api.head()
    twice = await api.client.post("/v1/reports", json=body, headers=headers)
    assert (twice.status_code, twice.json()) == (201, once.json())
    assert api.head() == head
    other = await api.client.post("/v1/reports", json=report(api), headers=headers)
    assert_problem(other, 422, "Idempotency-Key")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"candidacy_id": None}, "candidacy_id"),
        ({"credit_code": credit_code(1)}, "candidacy_id"),  # both
        ({"candidacy_id": "0b5e4a8e-0000-4000-8000-000000000000"}, "candidacy_id"),
        ({"candidacy_id": "not-an-id"}, "candidacy_id"),
        ({"candidacy_id": None, "credit_code": "91120000X"}, "credit_code"),
        ({"grounds": "spite"}, "grounds"),
        ({"description": " "}, "description"),
        ({"evidence": ["e"] * 21}, "evidence"),
        ({"contact": {"email": "nobody"}}, "contact.email"),
        ({"contact": {"phone": "call me maybe"}}, "contact.phone"),
        ({"contact": {"name": "a\u202eb"}}, "contact.name"),
        ({"private": "x" * 4001}, "private"),
        ({"token": "lr_x"}, "token"),
    ],
)
async def test_bad_reports_are_refused_naming_the_field(
    api: Publicised, change: dict[str, Any], field: str
) -> None:
    head = api.head()
    assert_problem(await api.post("/v1/reports", report(api, **change)), 422, field)
    assert api.head() == head


async def test_an_enterprise_report_needs_only_a_valid_credit_code(api: Publicised) -> None:
    body = report(api, candidacy_id=None, credit_code=credit_code(77))  # no declarations
    filed = await api.post("/v1/reports", body)
    assert filed.status_code == 201, filed.text


async def test_a_report_too_large_is_413(api: Publicised) -> None:
    body = report(api, description="d" * 70_000)  # refused before it is read as a report
    head = api.head()
    assert_problem(await api.post("/v1/reports", body), 413)
    assert api.head() == head


async def test_reports_are_limited_per_address_and_per_target(
    settings: Settings, clock: Clock
) -> None:
    limited = settings.model_copy(
        update={"report_limit_per_address": 3, "report_limit_per_target": 2}
    )
    async with serve(limited, clock) as served:
        world = build_world(served.registry, clock, 2, line=ENERGY)
        entries = ranked(world, draft(world, 2025), [40, 45])
        api = Publicised.of(served, entries=tuple(entries))
        for n in range(2):
            answer = await api.post("/v1/reports", report(api, description=f"problem {n}"))
            assert answer.status_code == 201, answer.text
        per_target = await api.post("/v1/reports", report(api, description="problem 3"))
        assert_problem(per_target, 429)
        assert int(per_target.headers["retry-after"]) >= 1
        other = report(api, candidacy_id=entries[1], description="problem 4")
        assert (await api.post("/v1/reports", other)).status_code == 201
        per_address = await api.post("/v1/reports", report(api, candidacy_id=entries[1]))
        assert_problem(per_address, 429)
        assert "address" in per_address.json()["detail"]


async def test_concurrent_reports_about_one_entry_all_hold_its_award(api: Publicised) -> None:
    """Five reports at once about one publicised entry: each is recorded (the candidacy's
    write conflicts are retried) and each holds the award."""
    bodies = [report(api, description=f"problem number {n}") for n in range(5)]
    answers = await asyncio.gather(*(api.post("/v1/reports", body) for body in bodies))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    candidacy: Candidacy = api.registry.repository.get(UUID(api.entries[0]))
    assert len(candidacy.open_reports) == 5
    assert {str(r) for r in candidacy.open_reports} == {a.json()["receipt"] for a in answers}

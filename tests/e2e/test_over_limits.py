"""Just past the limits: 422 naming the field, and nothing recorded, on both stores.

Each case is a request of `tests.extremes` (every field at its maximum) with one field
one step past its limit (`domain.limits`). The application runs with the fake read side
of `tests.e2e.api`: a refusal never reaches it.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain import limits
from registry.settings import Settings
from tests.clock import Clock
from tests.e2e.api import Api, FakeReadSide, assert_problem, serve
from tests.extremes import (
    AFTER_LATEST,
    BEFORE_EARLIEST,
    CODES,
    LATEST,
    MOST,
    NAME,
    category,
    content,
    credential,
    declaration,
    evaluation,
    scheme,
    wide,
)

OVER_NAME = wide(limits.MAX_NAME + 1)
OVER_TEXT = wide(limits.MAX_TEXT + 1)
OVER_UNIT = wide(limits.MAX_UNIT + 1)
OVER_DIGITS = ["9" * (limits.MAX_DIGITS + 1), "1E+40", "0." + "0" * 39 + "1", "0E-40"]
REPRODUCED_EXPIRY = "9999-12-31T23:59:59-14:00"
ID = str(uuid.uuid4())
DECLARATIONS, SCHEMES = "/v1/declarations", "/v1/schemes"


@pytest.fixture
async def api(store: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The service, signed in as the admin, with the fake read side and no write limit."""
    settings = store.model_copy(update={"write_burst": 10**6})
    async with serve(settings, clock, read_side=FakeReadSide, signed_in=True) as api:
        yield api


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `body` with the value at dotted `path` replaced."""
    result: dict[str, Any] = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target: Any = result
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return result


def cases() -> list[tuple[str, dict[str, Any], str]]:
    """(path, body, the field the refusal must name)."""
    issued = credential("regulator", NAME)
    body = {"name": NAME, "kind": "testing_institute", "categories": [category(0)]}
    declared = declaration("1", MOST)
    drafted = scheme(limits.MAX_CYCLE)
    evaluated = evaluation(MOST)
    complaint = {
        "candidacy_id": ID,
        "complainant_kind": "consumer",
        "grounds": "other",
        "description": NAME,
        "evidence": [],
    }
    report = {
        "candidacy_id": ID,
        "grounds": "fraud",
        "description": NAME,
        "contact": {"name": NAME, "phone": "1" * limits.MAX_PHONE, "email": "e" * 254},
    }
    found: list[tuple[str, dict[str, Any], str]] = [
        ("/v1/credentials", changed(issued, "subject", OVER_NAME), "subject"),
        ("/v1/credentials", changed(issued, "label", OVER_NAME), "label"),
        ("/v1/credentials", changed(issued, "subject", "a\u202eb"), "subject"),
        ("/v1/evaluation-bodies", changed(body, "name", OVER_NAME), "name"),
        ("/v1/evaluation-bodies", changed(body, "name", "a\x00b"), "name"),
        ("/v1/evaluation-bodies", changed(body, "categories.0", category(0) + "0"), "categories.0"),
        (
            "/v1/evaluation-bodies",
            changed(body, "categories", [category(n) for n in range(limits.MAX_CATEGORIES + 1)]),
            "categories",
        ),
        (DECLARATIONS, changed(declared, "standard_number", OVER_NAME), "standard_number"),
        (DECLARATIONS, changed(declared, "enterprise.name", OVER_NAME), "enterprise.name"),
        (DECLARATIONS, changed(declared, "title", OVER_NAME), "title"),
        (DECLARATIONS, changed(declared, "product.name", OVER_NAME), "product.name"),
        (DECLARATIONS, changed(declared, "product.model", OVER_NAME), "product.model"),
        (
            DECLARATIONS,
            changed(declared, "product.category", category(0) + "0"),
            "product.category",
        ),
        (
            DECLARATIONS,
            changed(declared, "indicators", {f"x{n}": "1" for n in range(101)}),
            "indicators",
        ),
        (DECLARATIONS, changed(declared, "disclosed_on", "1949-09-30"), "disclosed_on"),
        (DECLARATIONS, changed(declared, "disclosed_on", 0), "disclosed_on"),
        (f"{DECLARATIONS}/{ID}/revisions", changed(content(MOST), "title", OVER_NAME), "title"),
        (SCHEMES, changed(drafted, "title", OVER_NAME), "title"),
        (SCHEMES, changed(drafted, "indicators.0.name", OVER_NAME), "indicators.0.name"),
        (SCHEMES, changed(drafted, "indicators.0.unit", OVER_UNIT), "indicators.0.unit"),
        (SCHEMES, changed(drafted, "indicators", drafted["indicators"] * 2), "indicators"),
        (SCHEMES, changed(drafted, "cycle", limits.MAX_CYCLE + 1), "cycle"),
        (SCHEMES, changed(drafted, "cycle", limits.MIN_CYCLE - 1), "cycle"),
        (SCHEMES, changed(drafted, "top_n", limits.MAX_TOP_N + 1), "top_n"),
        (SCHEMES, {**drafted, "top_n": None, "top_share": "100.01"}, "top_share"),
        (SCHEMES, {**drafted, "top_n": None, "top_share": "0"}, "top_share"),
        (SCHEMES, {**drafted, "top_n": None, "top_share": "12.345"}, "top_share"),
        (
            SCHEMES,
            changed(drafted, "publicity_days", limits.MAX_PUBLICITY_DAYS + 1),
            "publicity_days",
        ),
        (
            SCHEMES,
            changed(drafted, "validity_days", limits.MAX_VALIDITY_DAYS + 1),
            "validity_days",
        ),
        (f"{SCHEMES}/{ID}/approval", {"approved": False, "reason": OVER_TEXT}, "reason"),
        (
            f"/v1/candidacies/{ID}/evaluations",
            changed(evaluated, f"units.{CODES[0]}", OVER_UNIT),
            f"units.{CODES[0]}",
        ),
        (f"/v1/candidacies/{ID}/evaluations", changed(evaluated, "reason", OVER_TEXT), "reason"),
        ("/v1/complaints", changed(complaint, "description", OVER_TEXT), "description"),
        ("/v1/complaints", changed(complaint, "evidence", [NAME] * 101), "evidence"),
        ("/v1/complaints", changed(complaint, "evidence", [OVER_NAME]), "evidence.0"),
        (f"/v1/complaints/{ID}/decision", {"upheld": True, "findings": OVER_TEXT}, "findings"),
        (f"/v1/complaints/{ID}/statement", {"statement": OVER_TEXT}, "statement"),
        (f"/v1/reports/{ID}/dismissal", {"reason": OVER_TEXT}, "reason"),
        ("/v1/credentials", changed(issued, "region", "1200000"), "region"),
        ("/v1/reports", changed(report, "description", OVER_TEXT), "description"),
        ("/v1/reports", changed(report, "private", OVER_TEXT), "private"),
        ("/v1/reports", changed(report, "evidence", [NAME] * 21), "evidence"),
        ("/v1/reports", changed(report, "evidence", [OVER_NAME]), "evidence.0"),
        ("/v1/reports", changed(report, "contact.name", OVER_NAME), "contact.name"),
        ("/v1/reports", changed(report, "contact.phone", "1" * 33), "contact.phone"),
        ("/v1/reports", changed(report, "contact.email", "e" * 255), "contact.email"),
        ("/v1/reports", changed(report, "description", "a\u202eb"), "description"),
    ]
    for moment in (AFTER_LATEST, BEFORE_EARLIEST, REPRODUCED_EXPIRY, "0.5", 0.5, LATEST[:-6]):
        found.append(("/v1/credentials", changed(issued, "expires_at", moment), "expires_at"))
    for digits in OVER_DIGITS:
        key = f"indicators.{CODES[0]}"
        found.append((DECLARATIONS, changed(declared, key, digits), key))
        found.append(
            (SCHEMES, changed(drafted, "indicators.0.baseline", digits), "indicators.0.baseline")
        )
        found.append(
            (SCHEMES, changed(drafted, "indicators.0.weight", digits), "indicators.0.weight")
        )
        key = f"values.{CODES[0]}"
        found.append((f"/v1/candidacies/{ID}/evaluations", changed(evaluated, key, digits), key))
    defined = {"code": category(0), "name_zh": NAME, "name_en": NAME}
    renamed = {"name_zh": NAME, "name_en": NAME, "reason": NAME}
    found += [
        ("/v1/categories", changed(defined, "code", category(0) + "0"), "code"),
        ("/v1/categories", changed(defined, "name_zh", OVER_NAME), "name_zh"),
        ("/v1/categories", changed(defined, "name_en", OVER_NAME), "name_en"),
        ("/v1/categories", changed(defined, "name_zh", "a\x00b"), "name_zh"),
        (f"/v1/categories/{category(0)}/names", changed(renamed, "name_en", OVER_NAME), "name_en"),
        (f"/v1/categories/{category(0)}/names", changed(renamed, "reason", OVER_TEXT), "reason"),
        (f"/v1/categories/{category(0)}0/names", renamed, "code"),
    ]
    for path in (
        f"/v1/candidacies/{ID}/revocation",
        f"{DECLARATIONS}/{ID}/withdrawal",
        f"/v1/evaluation-bodies/{ID}/suspension",
        f"/v1/evaluation-bodies/{ID}/reinstatement",
    ):
        found.append((path, {"reason": OVER_TEXT}, "reason"))
    accredit = f"/v1/evaluation-bodies/{ID}/categories"
    found += [
        (accredit, {"categories": [category(0)], "reason": OVER_TEXT}, "reason"),
        (accredit, {"categories": [category(0) + "0"], "reason": NAME}, "categories.0"),
        (accredit, {"categories": [], "reason": NAME}, "categories"),
        (
            accredit,
            {"categories": [category(n) for n in range(limits.MAX_CATEGORIES + 1)], "reason": NAME},
            "categories",
        ),
    ]
    return found


async def test_a_field_just_past_its_limit_is_refused_naming_it(
    api: Api,
) -> None:
    http, registry = api.client, api.registry
    before = registry.recorder.max_notification_id()
    wrong = []
    for path, body, field in cases():
        response = await http.post(path, json=body)
        answer = response.json()
        if response.status_code != 422 or answer.get("field") != field:
            wrong.append((path, field, response.status_code, answer.get("field")))
    assert wrong == []
    assert registry.recorder.max_notification_id() == before


async def test_an_idempotency_key_past_its_limit_is_refused_naming_it(
    api: Api,
) -> None:
    http, registry = api.client, api.registry
    before = registry.recorder.max_notification_id()
    body = {"name": NAME, "kind": "testing_institute", "categories": [category(0)]}
    response = await http.post(
        "/v1/evaluation-bodies", json=body, headers={"Idempotency-Key": "k" * 256}
    )
    assert_problem(response, 422, "Idempotency-Key")
    assert registry.recorder.max_notification_id() == before


async def test_a_lone_surrogate_is_refused_naming_the_field(
    api: Api,
) -> None:
    # JSON may escape half of a surrogate pair; it is no character and no store can hold it.
    http, registry = api.client, api.registry
    before = registry.recorder.max_notification_id()
    content = b'{"name": "a\\ud800b", "kind": "testing_institute", "categories": ["C1"]}'
    response = await http.post(
        "/v1/evaluation-bodies", content=content, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 422, "name")
    assert registry.recorder.max_notification_id() == before


async def test_an_expiry_past_the_latest_moment_is_refused_naming_expires_at(
    api: Api,
) -> None:
    # Reproduction: answered 201, and converting it to UTC then overflowed in the audit
    # projection, the credential list and the export.
    http, registry = api.client, api.registry
    before = registry.recorder.max_notification_id()
    body = {"role": "regulator", "subject": "Tianjin AMR", "expires_at": REPRODUCED_EXPIRY}
    problem = assert_problem(await http.post("/v1/credentials", json=body), 422, "expires_at")
    assert "9000-12-31" in problem["detail"]
    assert registry.recorder.max_notification_id() == before


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
async def test_leaders_as_of_outside_the_range_of_moments_is_refused_naming_as_of(
    api: Api, as_of: str
) -> None:
    # Reproduction: a 500 (an overflow converting to UTC), anonymously.
    http = api.client
    response = await http.get("/v1/leaders", params={"as_of": as_of}, headers={"Authorization": ""})
    assert_problem(response, 422, "as_of")


@pytest.mark.parametrize("as_of", ["0.5", "1700000000", "2026-01-01", "2026-01-01T08:00:00"])
async def test_as_of_must_be_an_rfc3339_date_time_with_an_offset(api: Api, as_of: str) -> None:
    # Reproduction: `0.5` was taken as half a second after 1970.
    http = api.client
    assert_problem(await http.get("/v1/leaders", params={"as_of": as_of}), 422, "as_of")


async def test_an_empty_idempotency_key_or_if_match_is_refused_as_the_document_declares(
    api: Api,
) -> None:
    # Reproduction: the document allowed both empty; the service refused them.
    http, registry = api.client, api.registry
    document = (await http.get("/openapi.json")).json()
    operation = document["paths"]["/v1/declarations/{declaration_id}/withdrawal"]["post"]
    declared = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "header"}
    for name, status in (("Idempotency-Key", 422), ("If-Match", 412)):
        schema = declared[name]
        assert schema["minLength"] == 1 and re.fullmatch(schema["pattern"], "") is None
        before = registry.recorder.max_notification_id()
        response = await http.post(
            f"{DECLARATIONS}/{ID}/withdrawal", json={"reason": "x"}, headers={name: ""}
        )
        assert_problem(response, status, name)
        assert registry.recorder.max_notification_id() == before
    # What the document's patterns accept, the service accepts.
    assert re.fullmatch(declared["If-Match"]["pattern"], '"3"')
    assert re.fullmatch(declared["Idempotency-Key"]["pattern"], "k" * 255)
    assert re.fullmatch(declared["Idempotency-Key"]["pattern"], "k" * 256) is None

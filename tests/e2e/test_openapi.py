"""The committed OpenAPI document is the one the code generates (regenerate on change)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.openapi import DEFAULT_PATH, document, render

WRITES = {
    "/v1/evaluation-bodies": 201,
    "/v1/evaluation-bodies/{body_id}/suspension": 200,
    "/v1/credentials": 201,
    "/v1/credentials/{credential_id}/revocation": 200,
    "/v1/credentials/{credential_id}/rotation": 201,
    "/v1/declarations": 201,
    "/v1/declarations/{declaration_id}/revisions": 200,
    "/v1/declarations/{declaration_id}/withdrawal": 200,
    "/v1/schemes": 201,
    "/v1/schemes/{scheme_id}/approval": 200,
    "/v1/schemes/{scheme_id}/candidates": 201,
    "/v1/candidacies/{candidacy_id}/evaluations": 200,
    "/v1/schemes/{scheme_id}/ranking": 200,
    "/v1/schemes/{scheme_id}/awards": 200,
    "/v1/complaints": 201,
    "/v1/complaints/{complaint_id}/decision": 200,
    "/v1/candidacies/{candidacy_id}/revocation": 200,
}
READS = [
    "/v1/leaders",
    "/v1/candidacies/{candidacy_id}",
    "/v1/schemes/{scheme_id}",
    "/v1/schemes/{scheme_id}/ranking",
    "/v1/schemes/{scheme_id}/timeline",
    "/v1/complaints/{complaint_id}",
    "/v1/declarations/{declaration_id}",
    "/v1/evaluation-bodies/{body_id}",
    "/v1/enterprises",
    "/v1/enterprises/{credit_code}",
    "/v1/enterprises/{credit_code}/history",
    "/v1/candidacies/{candidacy_id}/history",
    "/v1/events",
    "/healthz",
    "/metrics",
    "/v1/audit/checkpoints",
    "/v1/audit/checkpoints/latest",
    "/v1/audit/keys",
    "/v1/audit/proofs/inclusion",
    "/v1/audit/proofs/consistency",
    "/v1/audit/export",
    "/v1/schemes/{scheme_id}/signed-list",
    "/v1/schemes/{scheme_id}/signed-list.sig",
    "/v1/access-grants",
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return document()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def test_the_committed_document_is_up_to_date() -> None:
    committed = Path(DEFAULT_PATH).read_text(encoding="utf-8")
    assert committed == render(), "openapi/openapi.json is stale: run `python -m service.openapi`"
    json.loads(committed)


def test_every_operation_has_a_unique_id_a_tag_and_a_summary(spec: dict[str, Any]) -> None:
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(i == i.lower() and " " not in i for i in ids if i)
    for path, method, op in operations(spec):
        assert op.get("tags") and op.get("description"), (method, path)


@pytest.mark.parametrize(("path", "status"), WRITES.items())
def test_each_write_exists_needs_a_token_and_answers_problems(
    spec: dict[str, Any], path: str, status: int
) -> None:
    op = spec["paths"][path]["post"]
    assert str(status) in op["responses"]
    assert op["security"] == [{"HTTPBearer": []}]
    for code in ("401", "403", "404", "409", "422"):
        assert "application/problem+json" in op["responses"][code]["content"]


@pytest.mark.parametrize("path", READS)
def test_each_read_exists_and_is_public(spec: dict[str, Any], path: str) -> None:
    op = spec["paths"][path]["get"]
    assert "security" not in op
    assert "200" in op["responses"]


def free_forms(spec: dict[str, Any], schema: Any, where: str, seen: set[str]) -> list[str]:
    """Where `schema` (followed through `$ref`s) lets a value be anything: an empty schema,
    an object without properties or typed additional properties, or
    `additionalProperties: true`."""
    if not isinstance(schema, dict):
        return [f"{where}: not a schema"]
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return []
        seen.add(ref)
        target = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return free_forms(spec, target, ref, seen)
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for n, branch in enumerate(schema.get(key, [])):
            found += free_forms(spec, branch, f"{where}.{key}[{n}]", seen)
    if not any(k in schema for k in ("type", "anyOf", "oneOf", "allOf", "enum", "const")):
        return [*found, f"{where}: an empty schema (any value)"]
    extra = schema.get("additionalProperties")
    if extra is True:
        found.append(f"{where}: additionalProperties: true")
    elif isinstance(extra, dict):
        found += free_forms(spec, extra, f"{where}.additionalProperties", seen)
    properties = schema.get("properties", {})
    if schema.get("type") == "object" and not properties and extra in (None, True):
        found.append(f"{where}: an object without properties (any object)")
    for name, value in properties.items():
        found += free_forms(spec, value, f"{where}.{name}", seen)
    if schema.get("type") == "array":
        found += free_forms(spec, schema.get("items"), f"{where}[]", seen)
    return found


def answer_schemas(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every JSON schema of a 200 or 201 answer, with where it is."""
    found = []
    for path, method, op in operations(spec):
        for status in ("200", "201"):
            content = op.get("responses", {}).get(status, {}).get("content", {})
            for media, body in content.items():
                if "json" in media and "jsonl" not in media:
                    where = f"{method.upper()} {path} {status} {media}"
                    found.append((where, body.get("schema")))
    return found


def test_no_answer_is_a_free_form_value(spec: dict[str, Any]) -> None:
    answers = answer_schemas(spec)
    assert len(answers) > 30
    problems = [p for where, schema in answers for p in free_forms(spec, schema, where, set())]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "schema",
    [
        {},
        {"type": "object"},
        {"type": "object", "properties": {}},
        {"type": "object", "additionalProperties": True, "properties": {"a": {"type": "string"}}},
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {}},
        {"anyOf": [{"type": "null"}, {"type": "object"}]},
        {"$ref": "#/components/schemas/Loose"},
    ],
)
def test_the_rule_catches_free_forms(schema: dict[str, Any]) -> None:
    spec = {"components": {"schemas": {"Loose": {"type": "object", "properties": {"x": {}}}}}}
    assert free_forms(spec, schema, "answer", set())


def test_the_rule_accepts_typed_maps_and_closed_objects() -> None:
    typed = {
        "type": "object",
        "properties": {
            "values": {"type": "object", "additionalProperties": {"type": "string"}},
            "none": {"type": "object", "properties": {}, "additionalProperties": False},
            "maybe": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
    }
    assert free_forms({}, typed, "answer", set()) == []

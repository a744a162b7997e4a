"""The canonical leaf encoding is exact, stable and RFC 8785 for the values events hold."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.credential import Credential
from domain.evaluation_body import EvaluationBody
from domain.values import Actor
from projections.audit.leaves import (
    LEAF_VERSION,
    canonical_json,
    canonical_values,
    is_private,
    leaf_bytes,
    leaf_object,
    value,
)


def test_canonical_json_sorts_keys_by_utf16_and_escapes_only_what_json_requires() -> None:
    data = {"b": [1, True, None], "a": 'é\n"\\\u001f\u007f', "\U0001f600": 1, "\uff61": 2}
    assert (
        canonical_json(data)
        == ('{"a":"é\\n\\"\\\\\\u001f\u007f","b":[1,true,null],"\U0001f600":1,"\uff61":2}').encode()
    )
    with pytest.raises(TypeError):
        canonical_json({"x": 1.5})
    with pytest.raises(ValueError):
        value(2**53)


def test_values_are_decoded_to_plain_json() -> None:
    east8 = timezone(timedelta(hours=8))
    assert value(datetime(2025, 1, 2, 11, 0, tzinfo=east8)) == "2025-01-02T03:00:00.000000Z"
    assert value(date(2025, 1, 2)) == "2025-01-02"
    assert value(Decimal("5.60")) == "5.60"
    assert value(UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert value(frozenset({"b", "a"})) == ["a", "b"]
    assert value(Actor("admin", "ops")) == {
        "role": "admin",
        "subject": "ops",
        "credential_id": "",
        "request_id": "",
    }


def test_a_leaf_is_exactly_its_documented_bytes() -> None:
    at = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    body = EvaluationBody.register(
        name="Body",
        kind="testing_institute",
        categories=["C3851"],
        actor=Actor("admin", "ops"),
        at=at,
    )
    (event,) = body.collect_events()
    assert (
        leaf_bytes(event, 7)
        == (
            '{"actor":{"credential_id":"","request_id":"","role":"admin","subject":"ops"},'
            f'"aggregate_id":"{body.id}","aggregate_version":1,'
            '"data":{"categories":["C3851"],"kind":"testing_institute","name":"Body",'
            '"originator_topic":"domain.evaluation_body:EvaluationBody"},'
            '"position":7,"timestamp":"2025-01-02T03:04:05.000006Z",'
            '"type":"domain.evaluation_body:EvaluationBody.Registered"}'
        ).encode()
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_the_fast_leaf_encoding_is_byte_for_byte_the_canonical_one(data: Any) -> None:
    """Any text (CJK, astral characters, controls, lone surrogates) and any nesting."""
    try:
        expected = canonical_json(data)
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form on either path
        with pytest.raises(UnicodeEncodeError):
            canonical_values(data)
        return
    assert canonical_values(data) == expected


def test_keys_beyond_the_basic_plane_sort_by_utf16_on_the_fast_path_too() -> None:
    data = {"\U0001f600": 1, "\uff61": 2, "数据": {"\U00020000": 0, "\ue000": 1}}
    assert canonical_values(data) == canonical_json(data)
    assert canonical_values(data).index("\uff61".encode()) > canonical_values(data).index(
        "\U0001f600".encode()
    )


def test_a_private_leaf_is_its_documented_public_header() -> None:
    """Leaf format 2: a private event's leaf names its position, record type and event type,
    says it is private, and binds the content by its SHA-256."""
    at = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    credential = Credential.issue(
        role="regulator",
        subject="Beijing AMR",
        label="",
        token="a-token-of-enough-length-0123456789",
        expires_at=None,
        actor=Actor("admin", "ops"),
        at=at,
    )
    (event,) = credential.collect_events()
    assert is_private(event)
    content = canonical_values(leaf_object(event, 9))
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert (
        leaf_bytes(event, 9)
        == (
            '{"aggregate_type":"Credential",'
            f'"content_sha256":"{digest}",'
            '"position":9,"private":true,'
            '"type":"domain.credential:Credential.Issued"}'
        ).encode()
    )
    assert LEAF_VERSION == 2

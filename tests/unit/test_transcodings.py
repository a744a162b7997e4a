"""Value objects as stored in events: decoded as they were encoded, older shapes included."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from domain.ranking import IndicatorScore
from domain.values import Actor, Enterprise, Indicator, Product
from registry import transcodings

VALUES = [
    Actor(role="regulator", subject="SAMR", credential_id="c-1", request_id="r-1"),
    Enterprise(credit_code="91350100M000100Y43", name="闽光电器", region="350100"),
    Product(name="Kettle", model="K-1", category="household"),
    Indicator(
        code="E1",
        name="Efficiency",
        unit="%",
        kind="core",
        direction="higher_is_better",
        baseline=Decimal("85.5"),
        weight=Decimal("0.6"),
    ),
    IndicatorScore(
        code="E1",
        value=Decimal("90"),
        baseline=Decimal("85.5"),
        weight=Decimal("0.6"),
        improvement=Decimal("0.052631579"),
    ),
]


@pytest.fixture
def transcoder() -> JSONTranscoder:
    t = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        t.register(transcoding)
    transcodings.register(t)
    return t


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_a_value_object_decodes_equal_frozen_and_hashable(
    transcoder: JSONTranscoder, value: object
) -> None:
    decoded = transcoder.decode(transcoder.encode({"v": value, "in_list": [value]}))
    assert decoded["v"] == value and type(decoded["v"]) is type(value)
    assert decoded["in_list"] == [value]
    assert hash(decoded["v"]) == hash(value)
    assert vars(decoded["v"]) == vars(value)
    first = dataclasses.fields(value)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(decoded["v"], first, "changed")


def test_an_older_actor_without_the_later_fields_gets_their_defaults(
    transcoder: JSONTranscoder,
) -> None:
    stored = json.dumps({"_type_": "Actor", "_data_": {"role": "admin", "subject": "ops"}})
    decoded = transcoder.decode(stored.encode())
    assert decoded == Actor(role="admin", subject="ops")
    assert (decoded.credential_id, decoded.request_id) == ("", "")


def test_a_stored_value_with_an_unknown_field_is_refused(transcoder: JSONTranscoder) -> None:
    stored = {"_type_": "Product", "_data_": {"name": "K", "model": "1", "category": "c", "x": 1}}
    with pytest.raises(TypeError, match="x"):
        transcoder.decode(json.dumps(stored).encode())


def test_a_stored_value_missing_a_required_field_is_refused(transcoder: JSONTranscoder) -> None:
    stored = {"_type_": "Product", "_data_": {"name": "K", "model": "1"}}
    with pytest.raises(TypeError, match="category"):
        transcoder.decode(json.dumps(stored).encode())

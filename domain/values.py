"""Value objects shared by the aggregates: immutable, compared by value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    """Who a credential speaks for."""

    ADMIN = "admin"
    EVALUATION_BODY = "evaluation_body"
    REGULATOR = "regulator"
    ENTERPRISE = "enterprise"
    PLATFORM = "platform"
    SYSTEM = "system"  # the registry itself, e.g. the expiry sweeper


@dataclass(frozen=True)
class Actor:
    """Who did something: role, subject (body id, credit code, name), credential id and the
    id of the HTTP request that did it (empty for the CLI, the sweeper and older events)."""

    role: str
    subject: str
    credential_id: str = ""
    request_id: str = ""

    @classmethod
    def system(cls, subject: str = "registry") -> Actor:
        return cls(role=Role.SYSTEM.value, subject=subject)


class IndicatorKind(StrEnum):
    BASIC = "basic"
    CORE = "core"
    INNOVATION = "innovation"


class Direction(StrEnum):
    HIGHER = "higher_is_better"
    LOWER = "lower_is_better"


@dataclass(frozen=True)
class Indicator:
    """One indicator of an evaluation scheme; baseline is the national/industry value."""

    code: str
    name: str
    unit: str
    kind: str  # IndicatorKind value
    direction: str  # Direction value
    baseline: Decimal
    weight: Decimal


@dataclass(frozen=True)
class Enterprise:
    """An enterprise as it declares itself: credit code, name, 6-digit region code."""

    credit_code: str
    name: str
    region: str


@dataclass(frozen=True)
class Product:
    """The product or service a declared standard covers."""

    name: str
    model: str
    category: str

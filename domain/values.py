"""Value objects shared by the aggregates: immutable, compared by value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from domain.credit_code import credit_code_problem
from domain.errors import InvalidInput
from domain.regions import region_problem


class InvalidEnterprise(InvalidInput):
    """The enterprise's credit code or region code is not valid."""


class Role(StrEnum):
    """Who a credential speaks for."""

    ADMIN = "admin"
    EVALUATION_BODY = "evaluation_body"
    REGULATOR = "regulator"
    ENTERPRISE = "enterprise"
    PLATFORM = "platform"
    SUBSCRIBER = "subscriber"  # a bank or procurement system receiving webhooks
    SYSTEM = "system"  # the registry itself, e.g. the expiry sweeper


ANONYMOUS = "anonymous"  # not a Role: no credential is ever issued for it


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

    @classmethod
    def anonymous(cls, request_id: str = "") -> Actor:
        """Anyone, without a credential: a public report's author (no role one could hold)."""
        return cls(role=ANONYMOUS, subject="", request_id=request_id)


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
    """An enterprise as it declares itself: credit code, name, region (a GB/T 2260 code)."""

    credit_code: str
    name: str
    region: str

    def __post_init__(self) -> None:
        # Rule 11, the one check of both codes: a Declaration (and so a candidacy) only ever holds
        # an enterprise with a valid credit code (GB 32100-2015) and region.
        if problem := credit_code_problem(self.credit_code):
            raise InvalidEnterprise(f"credit code {problem}", field="enterprise.credit_code")
        if problem := region_problem(self.region):  # rule 19: a real division
            raise InvalidEnterprise(f"region {problem}", field="enterprise.region")


@dataclass(frozen=True)
class Product:
    """The product or service a declared standard covers."""

    name: str
    model: str
    category: str

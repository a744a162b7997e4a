"""Values the read answers are made of: ids, times, decimals as text, and the small
records (enterprise, product, indicator, score breakdown, actor) several reads share."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.values import Direction, IndicatorKind

# Scalars as the read models give them (strings, so that nothing is lost on the way).
Id = Annotated[str, Field(json_schema_extra={"format": "uuid"})]
Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, description="ISO 8601, in UTC.")
]
Date = Annotated[str, Field(json_schema_extra={"format": "date"}, description="YYYY-MM-DD.")]
DecimalText = Annotated[
    str,
    Field(
        json_schema_extra={"format": "decimal"},
        description='An exact decimal number, as text (e.g. "4.50").',
    ),
]
# Indicator code -> decimal: declared, verified or baseline values.
IndicatorFigures = dict[str, DecimalText]


class EnterpriseOut(BaseModel):
    """An enterprise as it declared itself."""

    credit_code: str
    name: str
    region: str = Field(description="6-digit administrative division code.")


class ProductOut(BaseModel):
    """The product or service a declared standard covers."""

    name: str
    model: str
    category: str = Field(description="The category code (national economic classification).")


class IndicatorOut(BaseModel):
    """One indicator of an evaluation scheme; `baseline` is the national or industry value."""

    code: str
    name: str
    unit: str
    kind: IndicatorKind
    direction: Direction
    baseline: DecimalText
    weight: DecimalText


class IndicatorScoreOut(BaseModel):
    """How one core indicator contributed to a ranked entry's score."""

    code: str
    value: DecimalText
    baseline: DecimalText
    weight: DecimalText
    improvement: DecimalText = Field(description="Relative improvement, 9 decimal places.")


class ActorRef(BaseModel):
    """Who did something: a role and its subject (a body's id, a credit code, a name)."""

    role: str
    subject: str


class EventActor(ActorRef):
    """Who recorded an event, with the credential and HTTP request it came through (empty
    for the command line, the registry itself and older events)."""

    credential_id: str
    request_id: str


class BodyChange(BaseModel):
    """A suspension, a reinstatement or a change of the categories a body is accredited for,
    each with its reason (an administrator's)."""

    kind: Literal["suspended", "reinstated", "categories_changed"]
    at: Timestamp
    reason: str
    categories: list[str] | None = Field(
        default=None, description="After a change of categories: the categories from then on."
    )
    before: list[str] | None = Field(
        default=None, description="After a change of categories: the categories until then."
    )

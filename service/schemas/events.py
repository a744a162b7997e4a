"""Response models of the event feed and histories: one model per public event type, its
`data` typed from the domain event's own fields (the domain is their one home), the union
discriminated by `type` ("Candidacy.Awarded" and the like)."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain.access_grant import AccessGrant
from domain.candidacy import Candidacy
from domain.category import Category
from domain.complaint import Complaint
from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.ranking import IndicatorScore
from domain.scheme import Scheme
from domain.values import Actor, Enterprise, Indicator, Product
from projections.machinery.encoding import ENVELOPE
from service.schemas.values import (
    Date,
    DecimalText,
    EnterpriseOut,
    EventActor,
    Id,
    IndicatorOut,
    IndicatorScoreOut,
    ProductOut,
    Timestamp,
)

# The aggregates whose events are public (the feed leaves out credentials, idempotency
# records and public reports: `projections.machinery.encoding.PRIVATE_AGGREGATES`). A new
# aggregate goes here.
PUBLIC_AGGREGATES: tuple[type, ...] = (
    EvaluationBody,
    AccessGrant,
    Declaration,
    Scheme,
    Candidacy,
    Complaint,
    Category,
)
VALUES: dict[Any, Any] = {
    str: str,
    int: int,
    bool: bool,
    type(None): type(None),
    UUID: Id,
    Decimal: DecimalText,
    datetime: Timestamp,
    date: Date,
    Enterprise: EnterpriseOut,
    Product: ProductOut,
    Indicator: IndicatorOut,
    IndicatorScore: IndicatorScoreOut,
    Actor: EventActor,
}


def event_classes(aggregate: type) -> list[type]:
    """The event classes an aggregate declares (not the `Event` and `Created` bases)."""
    return [
        value
        for key, value in vars(aggregate).items()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and key not in ("Event", "Created")
    ]


def value_type(annotation: Any) -> Any:
    """The JSON-side type of a domain value: as `projections.machinery.encoding.plain`
    writes it (decimals, ids and times as text, value objects as objects)."""
    if annotation in VALUES:
        return VALUES[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(value_type(a) for a in args)]  # noqa: UP007
    if origin in (list, tuple, set, frozenset):
        return list[value_type(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[str, value_type(args[1])]  # type: ignore[misc]
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return data_model(annotation, f"{annotation.__name__}Value")
    raise TypeError(f"no JSON type for {annotation!r}: add it to VALUES")


def data_model(cls: type, name: str, skip: frozenset[str] = frozenset()) -> type[BaseModel]:
    """A model of a dataclass's fields (those with defaults are optional: older events
    were recorded without them)."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name in skip:
            continue
        required = field.default is dataclasses.MISSING
        required = required and field.default_factory is dataclasses.MISSING
        kind = value_type(hints[field.name])
        fields[field.name] = (kind, ...) if required else (kind | None, None)
    doc = f"The data of {name.removesuffix('Data')}."
    # An event with no data says so: an object with no properties at all (not any object).
    closed = ConfigDict(extra="forbid") if not fields else None
    return create_model(name, __doc__=doc, __config__=closed, **fields)


class EventBase(BaseModel):
    """One public event: its position in the log, what it is about, who recorded it, and
    the records it concerns (the enterprise, the candidacy), if any."""

    position: int
    aggregate_type: str
    aggregate_id: Id
    aggregate_version: int
    timestamp: Timestamp
    actor: EventActor
    credit_code: str | None
    candidacy_id: Id | None
    category_name: str | None = Field(
        default=None,
        description="The Chinese name of the category the event concerns (a declaration's, "
        "a scheme's...), from the catalogue; null if none or not catalogued.",
    )


def event_model(aggregate: type, cls: type) -> type[BaseModel]:
    """`EventBase` with this event's `type` and `data`."""
    kind = f"{aggregate.__name__}.{cls.__name__}"
    name = f"{aggregate.__name__}{cls.__name__}"
    data = data_model(cls, f"{name}Data", ENVELOPE | {"actor"})
    tag: Any = Literal[kind]
    return create_model(
        f"{name}Event",
        __base__=EventBase,
        __doc__=f"A {kind} event.",
        type=(tag, ...),
        data=(data, ...),
    )


EVENT_MODELS = [event_model(a, cls) for a in PUBLIC_AGGREGATES for cls in event_classes(a)]
# A public event, whichever its type (for `response_model`; typed `Any` for mypy).
Event: Any = Annotated[Union[tuple(EVENT_MODELS)], Field(discriminator="type")]  # noqa: UP007
# The public event types ("Candidacy.Awarded"...): what an event filter's `type` may name.
EVENT_TYPES = tuple(
    f"{a.__name__}.{c.__name__}" for a in PUBLIC_AGGREGATES for c in event_classes(a)
)
EventType: Any = Literal[EVENT_TYPES]


class EventPage(BaseModel):
    """A page of the public event feed, in log order, and the cursor of the next one."""

    items: list[Event]
    next_after: int = Field(
        description="Pass as `after` for the next page: the last item's position (or this "
        "page's `after` when it is empty), so that polling with it never misses an event."
    )
    more: bool = Field(description="Whether more matching events follow already.")
    limit: int

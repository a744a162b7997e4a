"""Reads refuse query parameters they do not declare, and repeated single-valued ones: a
misspelt or unsupported filter answers 422 naming it, rather than an unfiltered list."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Any, Union

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo

from service.problems import MEDIA_TYPE

CHECKED_METHODS = frozenset({"GET", "HEAD"})
SEQUENCES = (list, tuple, set, frozenset, Sequence)


@dataclass(frozen=True)
class Declared:
    """A route's query parameters: every name it reads, and those it reads many times."""

    names: frozenset[str]
    repeatable: frozenset[str]


def _names(name: str, info: FieldInfo) -> list[str]:
    """The query names one parameter answers to (its alias, or its alias choices)."""
    choices = info.validation_alias
    if isinstance(choices, AliasChoices):
        return [c for c in choices.choices if isinstance(c, str)]
    return [info.alias or name]


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> `X`; `Annotated[X, ...]` -> `X`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, UnionType):
            kept = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(_unwrap(annotation))
    return origin is not None and isinstance(origin, type) and issubclass(origin, SEQUENCES)


def _fields(dependant: Dependant) -> list[tuple[str, FieldInfo]]:
    """Every query parameter of the route and its dependencies, a parameter model's
    fields one by one."""
    found: list[tuple[str, FieldInfo]] = []
    pending = [dependant]
    while pending:
        current = pending.pop()
        pending.extend(current.dependencies)
        for param in current.query_params:
            model = _unwrap(param.field_info.annotation)
            if isinstance(model, type) and issubclass(model, BaseModel):
                found.extend(model.model_fields.items())
            else:
                found.append((param.name, param.field_info))
    return found


CACHED = "_registry_declared_query"  # where a route keeps its `Declared`


def declared(route: APIRoute) -> Declared:
    """The route's query parameters (worked out once, kept on the route)."""
    known: Declared | None = getattr(route, CACHED, None)
    if known is None:
        names: set[str] = set()
        repeatable: set[str] = set()
        for name, info in _fields(route.dependant):
            aliases = _names(name, info)
            names.update(aliases)
            if _is_sequence(info.annotation):
                repeatable.update(aliases)
        known = Declared(frozenset(names), frozenset(repeatable))
        setattr(route, CACHED, known)
    return known


def refuse(name: str, message: str, value: Any) -> RequestValidationError:
    """A 422 naming the parameter (`service.problems` makes it problem+json)."""
    return RequestValidationError(
        [{"type": "extra_forbidden", "loc": ("query", name), "msg": message, "input": value}]
    )


async def known_query(request: Request) -> None:
    """Refuse a read's undeclared query parameter, or a single-valued one given twice."""
    if request.method not in CHECKED_METHODS or not request.url.query:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    params = declared(route)
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        if name not in params.names:
            accepted = ", ".join(sorted(params.names)) or "none"
            raise refuse(name, f"unknown query parameter (this read accepts: {accepted})", value)
        if name in seen and name not in params.repeatable:
            raise refuse(name, "given more than once; give it once", value)
        seen.add(name)


def describe(document: dict[str, Any]) -> None:
    """Document the refusal on every read of an OpenAPI document that does not yet."""
    refused = {
        "description": "A query parameter is unknown, given twice or invalid",
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for operations in document.get("paths", {}).values():
        operation = operations.get("get")
        if isinstance(operation, dict):
            operation.setdefault("responses", {}).setdefault("422", refused)

"""Evaluation bodies: accredited third parties that evaluate, rank and award."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput, NotPermitted
from domain.values import Actor


class BodyKind(StrEnum):
    TESTING_INSTITUTE = "testing_institute"
    STANDARDISATION_INSTITUTE = "standardisation_institute"
    INDUSTRY_ASSOCIATION = "industry_association"
    INDUSTRY_ALLIANCE = "industry_alliance"
    PLATFORM_ENTERPRISE = "platform_enterprise"


class EvaluationBodyError(Exception):
    """Base of evaluation body rule failures."""


class BodySuspended(EvaluationBodyError, NotPermitted):
    """A suspended evaluation body may do nothing."""


class NotAccredited(EvaluationBodyError, NotPermitted):
    """The body is not accredited for this category."""


class BodyStatusConflict(EvaluationBodyError, Conflict):
    """The body is already in the requested status."""


def accredited(categories: list[str]) -> list[str]:
    """The categories a body is accredited for, as recorded: at least one, each once, sorted."""
    if not categories:
        raise InvalidInput("at least one accredited category is required", field="categories")
    return sorted(set(categories))


def check_reason(reason: str) -> None:
    """Every change of a body's status or accreditation says why."""
    if not reason.strip():
        raise InvalidInput("a reason is required", field="reason")


class EvaluationBody(Aggregate):
    """A registered evaluation body and the categories it is accredited for."""

    # The events, declared so that their readers (the projections) are typed.
    class Registered(Aggregate.Created):
        name: str
        kind: str
        categories: list[str]
        actor: Actor

    class Suspended(Aggregate.Event):
        reason: str
        actor: Actor

    class Reinstated(Aggregate.Event):
        reason: str
        actor: Actor

    class CategoriesChanged(Aggregate.Event):
        categories: list[str]
        reason: str
        actor: Actor

    @staticmethod
    def create_id(name: str, **_: Any) -> UUID:
        return ids.body_id(name)

    @classmethod
    def register(
        cls, *, name: str, kind: str, categories: list[str], actor: Actor, at: datetime
    ) -> EvaluationBody:
        if kind not in set(BodyKind):
            raise InvalidInput(f"unknown kind {kind!r}", field="kind")
        return cls(
            name=name.strip(),
            kind=kind,
            categories=accredited(categories),
            actor=actor,
            timestamp=at,
        )

    @event(Registered)
    def __init__(
        self, name: str, kind: str, categories: list[str], actor: Actor, timestamp: datetime
    ) -> None:
        self.name = name
        self.kind = kind
        self.categories = list(categories)
        self.suspended = False

    @property
    def status(self) -> str:
        return "suspended" if self.suspended else "registered"

    def check_may_act(self, category: str) -> None:
        """Raise unless the body is active and accredited for the category."""
        if self.suspended:
            raise BodySuspended(f"evaluation body {self.name!r} is suspended")
        if category not in self.categories:
            raise NotAccredited(
                f"evaluation body {self.name!r} is not accredited for category {category!r}",
                field="category",
            )

    def suspend(self, *, reason: str, actor: Actor, at: datetime) -> None:
        check_reason(reason)
        if self.suspended:
            raise BodyStatusConflict("evaluation body is already suspended")
        self._suspended(reason=reason, actor=actor, timestamp=at)

    @event(Suspended)
    def _suspended(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.suspended = True

    def reinstate(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """A suspended body may act again, as before its suspension."""
        check_reason(reason)
        if not self.suspended:
            raise BodyStatusConflict("evaluation body is not suspended")
        self._reinstated(reason=reason, actor=actor, timestamp=at)

    @event(Reinstated)
    def _reinstated(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.suspended = False

    def change_categories(
        self, *, categories: list[str], reason: str, actor: Actor, at: datetime
    ) -> None:
        """Accredit the body for exactly `categories` from now on: in a category it loses,
        it may no longer act (its schemes there stop; titles awarded stay as they are)."""
        recorded = accredited(categories)
        check_reason(reason)
        if recorded == self.categories:
            raise BodyStatusConflict("the body is already accredited for exactly these categories")
        self._categories_changed(categories=recorded, reason=reason, actor=actor, timestamp=at)

    @event(CategoriesChanged)
    def _categories_changed(
        self, categories: list[str], reason: str, actor: Actor, timestamp: datetime
    ) -> None:
        self.categories = list(categories)

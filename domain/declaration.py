"""Declared standards: what an enterprise publicly says its product meets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput
from domain.values import Actor, Enterprise, Product

# The programme is Chinese: "today" is the date in China Standard Time (UTC+8, no DST).
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


class DeclarationError(Exception):
    """Base of declared-standard rule failures."""


class DeclarationWithdrawn(DeclarationError, Conflict):
    """A withdrawn standard can no longer change or compete."""


class InvalidDeclaration(DeclarationError, InvalidInput):
    """The declaration's content breaks a rule."""


def china_date(at: datetime) -> date:
    """The calendar date in China at the moment `at` (a naive `at` is taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA_STANDARD_TIME).date()


def check_content(
    indicators: Mapping[str, Decimal], disclosed_on: date, committed: bool, at: datetime
) -> None:
    """Rule 12: what a declaration and each revision state: the enterprise's commitment, a
    disclosure date not after today in China, finite indicator values."""
    if not committed:
        raise InvalidDeclaration(
            "the enterprise must commit that the declared data are true", field="commitment"
        )
    if disclosed_on > china_date(at):
        raise InvalidDeclaration("disclosure date is in the future", field="disclosed_on")
    for code, value in indicators.items():
        if not value.is_finite():
            raise InvalidDeclaration(f"indicator {code!r} is not finite", field="indicators")


def standard_number_of(text: str) -> str:
    """The standard number as recorded: runs of whitespace made one space."""
    return " ".join(text.split())


class Declaration(Aggregate):
    """One enterprise standard, declared for one product; revisions make new versions."""

    # The events, declared so that their readers (the projections) are typed.
    class Declared(Aggregate.Created):
        enterprise: Enterprise
        standard_number: str
        title: str
        product: Product
        indicators: dict[str, Decimal]
        disclosed_on: date
        actor: Actor

    class Revised(Aggregate.Event):
        title: str
        product: Product
        indicators: dict[str, Decimal]
        disclosed_on: date
        revision: int
        actor: Actor

    class Withdrawn(Aggregate.Event):
        reason: str
        actor: Actor

    class TitleAwarded(Aggregate.Event):
        """A candidacy of this standard was awarded a title: withdrawing ends it (rule 18)."""

        candidacy_id: UUID
        actor: Actor

    @staticmethod
    def create_id(enterprise: Enterprise, standard_number: str, **_: Any) -> UUID:
        return ids.declaration_id(enterprise.credit_code, standard_number)

    @classmethod
    def declare(
        cls,
        *,
        enterprise: Enterprise,
        standard_number: str,
        title: str,
        product: Product,
        indicators: Mapping[str, Decimal],
        disclosed_on: date,
        committed: bool,
        actor: Actor,
        at: datetime,
    ) -> Declaration:
        check_content(indicators, disclosed_on, committed, at)
        return cls(
            enterprise=enterprise,
            standard_number=standard_number_of(standard_number),
            title=title,
            product=product,
            indicators=dict(indicators),
            disclosed_on=disclosed_on,
            actor=actor,
            timestamp=at,
        )

    @event(Declared)
    def __init__(
        self,
        enterprise: Enterprise,
        standard_number: str,
        title: str,
        product: Product,
        indicators: dict[str, Decimal],
        disclosed_on: date,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.enterprise = enterprise
        self.standard_number = standard_number
        self.title = title
        self.product = product
        self.indicators = dict(indicators)
        self.disclosed_on = disclosed_on
        self.revision = 1
        self.withdrawn = False
        self.withdrawal_reason = ""
        self.title_ids: list[UUID] = []  # the candidacies awarded a title, in order

    @property
    def status(self) -> str:
        return "withdrawn" if self.withdrawn else "active"

    def check_active(self) -> None:
        if self.withdrawn:
            raise DeclarationWithdrawn(f"standard {self.standard_number} has been withdrawn")

    def revise(
        self,
        *,
        title: str,
        product: Product,
        indicators: Mapping[str, Decimal],
        disclosed_on: date,
        committed: bool,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.check_active()
        check_content(indicators, disclosed_on, committed, at)
        self._revised(
            title=title,
            product=product,
            indicators=dict(indicators),
            disclosed_on=disclosed_on,
            revision=self.revision + 1,
            actor=actor,
            timestamp=at,
        )

    @event(Revised)
    def _revised(
        self,
        title: str,
        product: Product,
        indicators: dict[str, Decimal],
        disclosed_on: date,
        revision: int,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.title = title
        self.product = product
        self.indicators = dict(indicators)
        self.disclosed_on = disclosed_on
        self.revision = revision

    def withdraw(self, *, reason: str, actor: Actor, at: datetime) -> None:
        self.check_active()
        self._withdrawn(reason=reason, actor=actor, timestamp=at)

    @event(Withdrawn)
    def _withdrawn(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.withdrawn = True
        self.withdrawal_reason = reason

    def title_awarded(self, *, candidacy_id: UUID, actor: Actor, at: datetime) -> None:
        """Note a title awarded to this standard, so that its withdrawal can end it."""
        self.check_active()
        self._title_awarded(candidacy_id=candidacy_id, actor=actor, timestamp=at)

    @event(TitleAwarded)
    def _title_awarded(self, candidacy_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.title_ids.append(candidacy_id)

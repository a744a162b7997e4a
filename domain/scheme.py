"""Evaluation schemes: how one body evaluates one category in one cycle, and its list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, InvalidInput, NotPermitted
from domain.evaluation_body import EvaluationBody
from domain.ranking import Quota, check_indicators
from domain.regions import NATIONAL_REGION, list_region_problem
from domain.values import Actor, Indicator


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"


class SchemeStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    RANKED = "ranked"
    AWARDED = "awarded"


class SchemeError(Exception):
    """Base of evaluation scheme rule failures."""


class InvalidScheme(SchemeError, InvalidInput):
    """The scheme's definition breaks a rule."""


class SchemeStateConflict(SchemeError, Conflict):
    """The scheme is not in a state that allows this."""


class NotSchemeBody(SchemeError, NotPermitted):
    """Only the scheme's own evaluation body may act on it."""


class Scheme(Aggregate):
    """A body's evaluation scheme for one category, level and cycle."""

    # The events, declared so that their readers (the projections) are typed.
    class Drafted(Aggregate.Created):
        body_id: UUID
        title: str
        category: str
        cycle: int
        level: str
        region: str
        indicators: list[Indicator]
        top_n: int | None  # None when the leaders are a top share
        publicity_days: int
        validity_days: int
        actor: Actor
        # Last, with a default: schemes drafted before shares existed recorded none.
        top_share: Decimal | None = None

    class Approved(Aggregate.Event):
        actor: Actor

    class Rejected(Aggregate.Event):
        reason: str
        actor: Actor

    class CandidateEntered(Aggregate.Event):
        candidacy_id: UUID
        actor: Actor

    class RankingPublished(Aggregate.Event):
        ranked: int
        qualified_ids: list[UUID]
        publicity_ends_at: datetime
        actor: Actor

    class Awarded(Aggregate.Event):
        awarded_ids: list[UUID]
        valid_until: datetime
        actor: Actor

    @staticmethod
    def create_id(
        body_id: UUID, category: str, level: str, region: str, cycle: int, **_: Any
    ) -> UUID:
        return ids.scheme_id(body_id, category, level, region, cycle)

    @classmethod
    def draft(
        cls,
        *,
        body: EvaluationBody,
        title: str,
        category: str,
        cycle: int,
        level: str,
        region: str,
        indicators: Sequence[Indicator],
        top_n: int | None,
        publicity_days: int,
        validity_days: int,
        actor: Actor,
        at: datetime,
        top_share: Decimal | None = None,
    ) -> Scheme:
        body.check_may_act(category)
        if level not in set(Level):
            raise InvalidScheme(f"unknown level {level!r}", field="level")
        if level == Level.NATIONAL:
            region = region or NATIONAL_REGION
        if problem := list_region_problem(level, region):  # rule 19
            raise InvalidScheme(problem, field="region")
        if not 1900 <= cycle <= 9999:
            raise InvalidScheme("cycle must be a year", field="cycle")
        Quota(top_n=top_n, top_share=top_share)  # exactly one of them, in its range
        if publicity_days < 0:
            raise InvalidScheme("publicity_days cannot be negative", field="publicity_days")
        if validity_days < 1:
            raise InvalidScheme("validity_days must be at least 1", field="validity_days")
        check_indicators(indicators)
        return cls(
            body_id=body.id,
            title=title,
            category=category,
            cycle=cycle,
            level=level,
            region=region,
            indicators=list(indicators),
            top_n=top_n,
            publicity_days=publicity_days,
            validity_days=validity_days,
            actor=actor,
            timestamp=at,
            top_share=top_share,
        )

    @event(Drafted)
    def __init__(
        self,
        body_id: UUID,
        title: str,
        category: str,
        cycle: int,
        level: str,
        region: str,
        indicators: list[Indicator],
        top_n: int | None,
        publicity_days: int,
        validity_days: int,
        actor: Actor,
        timestamp: datetime,
        top_share: Decimal | None = None,
    ) -> None:
        self.body_id = body_id
        self.title = title
        self.category = category
        self.cycle = cycle
        self.level = level
        self.region = region
        self.indicators = list(indicators)
        self.top_n = top_n
        self.top_share = top_share
        self.publicity_days = publicity_days
        self.validity_days = validity_days
        self.status = SchemeStatus.DRAFT.value
        self.candidacy_ids: list[UUID] = []
        self.qualified_ids: list[UUID] = []
        self.publicity_ends_at: datetime | None = None
        self.awarded_at: datetime | None = None

    @property
    def quota(self) -> Quota:
        """How many of its ranked entries lead (rule 6)."""
        return Quota(top_n=self.top_n, top_share=self.top_share)

    def previous_cycle_id(self, cycles_back: int) -> UUID:
        """The id this body's scheme for the same list had `cycles_back` cycles ago."""
        return ids.scheme_id(
            self.body_id, self.category, self.level, self.region, self.cycle - cycles_back
        )

    def check_body(self, actor: Actor, body: EvaluationBody) -> None:
        """Rule 2: raise unless `actor` speaks for `body`, and `body` is this scheme's own
        body, active and accredited for the scheme's category."""
        if actor.subject != str(self.body_id) or body.id != self.body_id:
            raise NotSchemeBody("this credential may not act on another body's scheme")
        body.check_may_act(self.category)

    def _require(self, *statuses: SchemeStatus) -> None:
        if self.status not in statuses:
            allowed = " or ".join(s.value for s in statuses)
            raise SchemeStateConflict(f"scheme is {self.status}; this needs it {allowed}")

    def review(self, *, approved: bool, reason: str, actor: Actor, at: datetime) -> None:
        self._require(SchemeStatus.DRAFT)
        if approved:
            self._approved(actor=actor, timestamp=at)
        else:
            if not reason.strip():
                raise InvalidScheme("a rejection needs a reason", field="reason")
            self._rejected(reason=reason, actor=actor, timestamp=at)

    @event(Approved)
    def _approved(self, actor: Actor, timestamp: datetime) -> None:
        self.status = SchemeStatus.APPROVED.value

    @event(Rejected)
    def _rejected(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.status = SchemeStatus.REJECTED.value

    def enter_candidate(self, *, candidacy_id: UUID, actor: Actor, at: datetime) -> None:
        self._require(SchemeStatus.APPROVED)
        self._candidate_entered(candidacy_id=candidacy_id, actor=actor, timestamp=at)

    @event(CandidateEntered)
    def _candidate_entered(self, candidacy_id: UUID, actor: Actor, timestamp: datetime) -> None:
        self.candidacy_ids.append(candidacy_id)

    def publish_ranking(
        self, *, ranked: int, qualified_ids: Sequence[UUID], actor: Actor, at: datetime
    ) -> datetime:
        """Record that the ranking is out; returns when its publicity window closes."""
        self._require(SchemeStatus.APPROVED)
        if not self.candidacy_ids:
            raise SchemeStateConflict("a scheme with no candidates cannot be ranked")
        ends = at + timedelta(days=self.publicity_days)
        self._ranking_published(
            ranked=ranked,
            qualified_ids=list(qualified_ids),
            publicity_ends_at=ends,
            actor=actor,
            timestamp=at,
        )
        return ends

    @event(RankingPublished)
    def _ranking_published(
        self,
        ranked: int,
        qualified_ids: list[UUID],
        publicity_ends_at: datetime,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.status = SchemeStatus.RANKED.value
        self.qualified_ids = list(qualified_ids)
        self.publicity_ends_at = publicity_ends_at

    def award(self, *, awarded_ids: Sequence[UUID], actor: Actor, at: datetime) -> datetime:
        """Rule 6: record the award of the list once its publicity window has closed;
        returns until when the titles are valid."""
        self._require(SchemeStatus.RANKED)
        if self.publicity_ends_at is not None and at < self.publicity_ends_at:
            raise SchemeStateConflict(
                f"the publicity period runs until {self.publicity_ends_at.isoformat()}"
            )
        valid_until = at + timedelta(days=self.validity_days)
        self._awarded(
            awarded_ids=list(awarded_ids), valid_until=valid_until, actor=actor, timestamp=at
        )
        return valid_until

    @event(Awarded)
    def _awarded(
        self, awarded_ids: list[UUID], valid_until: datetime, actor: Actor, timestamp: datetime
    ) -> None:
        self.status = SchemeStatus.AWARDED.value
        self.awarded_at = timestamp

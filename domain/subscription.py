"""Webhook subscriptions: a subscriber's endpoint, its filters and whether it receives."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict, InvalidInput
from domain.event_filter import EventFilter
from domain.limits import MAX_NAME, MAX_TEXT, MAX_WEBHOOK_URL, text_problem
from domain.values import Actor

ACTIVE, PAUSED, DISABLED, DELETED = "active", "paused", "disabled", "deleted"


class SubscriptionError(Exception):
    """Base of subscription rule failures."""


class InvalidSubscription(SubscriptionError, InvalidInput):
    """The subscription's endpoint or filters break a rule."""


class SubscriptionStateConflict(SubscriptionError, Conflict):
    """The command does not fit the subscription's status (e.g. pausing a deleted one)."""


def endpoint_problem(url: str, *, allow_http: bool) -> str | None:
    """Why `url` is no acceptable endpoint (None if it is one): absolute HTTPS (HTTP only
    when allowed), a host, no credentials, at most MAX_WEBHOOK_URL characters."""
    if problem := text_problem(url, MAX_WEBHOOK_URL):
        return problem
    if any(ch.isspace() for ch in url):
        return "must not contain spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as error:
        return f"is not a URL ({error})"
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        return "must be an https:// URL"
    if not parts.hostname:
        return "must name a host"
    if parts.username is not None or parts.password is not None:
        return "must not contain credentials"
    if parts.fragment:
        return "must not have a fragment"
    return None


def checked_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters as the event filter keeps them (sorted, no repeats), each value a short
    single line; InvalidSubscription naming the field (`filters.types`...) otherwise."""
    try:
        checked = EventFilter.from_dict(filters)
    except InvalidInput as error:
        raise InvalidSubscription(
            f"filters: {error.message}", field=f"filters.{error.field}"
        ) from None
    for name, values in checked.to_dict().items():
        for value in values:
            if problem := text_problem(value, MAX_NAME):
                raise InvalidSubscription(f"a filter value {problem}", field=f"filters.{name}")
    return checked.to_dict()


class Subscription(Aggregate):
    """A subscriber's webhook endpoint: what it wants and where delivery stands."""

    class Registered(Aggregate.Created):
        owner: str
        url: str
        filters: dict[str, list[str]]
        after: int  # deliveries start after this log position
        actor: Actor

    class Paused(Aggregate.Event):
        actor: Actor

    class Resumed(Aggregate.Event):
        actor: Actor

    class Disabled(Aggregate.Event):
        reason: str
        actor: Actor

    class ReplayRequested(Aggregate.Event):
        after: int  # deliveries start again after this log position
        actor: Actor

    class SecretRotated(Aggregate.Event):
        actor: Actor

    class Deleted(Aggregate.Event):
        actor: Actor

    @classmethod
    def register(
        cls,
        *,
        owner: str,
        url: str,
        filters: dict[str, list[str]],
        after: int,
        allow_http: bool,
        actor: Actor,
        at: datetime,
    ) -> Subscription:
        if problem := endpoint_problem(url, allow_http=allow_http):
            raise InvalidSubscription(f"url {problem}", field="url")
        filters = checked_filters(filters)
        if after < 0:
            raise InvalidSubscription("after must not be negative", field="after")
        return cls(owner=owner, url=url, filters=filters, after=after, actor=actor, timestamp=at)

    @event(Registered)
    def __init__(
        self,
        owner: str,
        url: str,
        filters: dict[str, list[str]],
        after: int,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        self.owner = owner
        self.url = url
        self.filters = filters
        self.status = ACTIVE
        self.disabled_reason = ""

    def _check_not(self, *statuses: str, doing: str) -> None:
        if self.status in statuses:
            raise SubscriptionStateConflict(f"a {self.status} subscription cannot be {doing}")

    def pause(self, *, actor: Actor, at: datetime) -> None:
        self._check_not(PAUSED, DISABLED, DELETED, doing="paused")
        self._paused(actor=actor, timestamp=at)

    @event(Paused)
    def _paused(self, actor: Actor, timestamp: datetime) -> None:
        self.status = PAUSED

    def resume(self, *, actor: Actor, at: datetime) -> None:
        """Deliver again (a paused or disabled subscription), from where it stopped."""
        self._check_not(ACTIVE, DELETED, doing="resumed")
        self._resumed(actor=actor, timestamp=at)

    @event(Resumed)
    def _resumed(self, actor: Actor, timestamp: datetime) -> None:
        self.status = ACTIVE
        self.disabled_reason = ""

    def disable(self, *, reason: str, actor: Actor, at: datetime) -> None:
        """Stop delivering (the endpoint answered 410 Gone, or failed for days)."""
        self._check_not(DISABLED, DELETED, doing="disabled")
        if problem := text_problem(reason, MAX_TEXT):
            raise InvalidSubscription(f"reason {problem}", field="reason")
        self._disabled(reason=reason, actor=actor, timestamp=at)

    @event(Disabled)
    def _disabled(self, reason: str, actor: Actor, timestamp: datetime) -> None:
        self.status = DISABLED
        self.disabled_reason = reason

    def replay(self, *, after: int, head: int, actor: Actor, at: datetime) -> None:
        """Deliver again every matching event after `after` (at most the log's head)."""
        self._check_not(DELETED, doing="replayed")
        if not 0 <= after <= head:
            raise InvalidSubscription(
                f"after must lie between 0 and the log's head, {head}", field="after"
            )
        self._replay_requested(after=after, actor=actor, timestamp=at)

    @event(ReplayRequested)
    def _replay_requested(self, after: int, actor: Actor, timestamp: datetime) -> None:
        pass

    def rotate_secret(self, *, actor: Actor, at: datetime) -> None:
        self._check_not(DELETED, doing="given a new secret")
        self._secret_rotated(actor=actor, timestamp=at)

    @event(SecretRotated)
    def _secret_rotated(self, actor: Actor, timestamp: datetime) -> None:
        pass

    def delete(self, *, actor: Actor, at: datetime) -> None:
        self._check_not(DELETED, doing="deleted")
        self._deleted(actor=actor, timestamp=at)

    @event(Deleted)
    def _deleted(self, actor: Actor, timestamp: datetime) -> None:
        self.status = DELETED

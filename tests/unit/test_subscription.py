"""The subscription aggregate: what it records and refuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.subscription import (
    ACTIVE,
    DELETED,
    DISABLED,
    PAUSED,
    InvalidSubscription,
    Subscription,
    SubscriptionStateConflict,
)
from domain.values import Actor, Role

AT = datetime(2025, 3, 1, tzinfo=UTC)
BANK = Actor(Role.SUBSCRIBER.value, "a bank")


def new(**filters: list[str]) -> Subscription:
    return Subscription.register(
        owner="a bank",
        url="https://hooks.example.org/x",
        filters=filters,
        after=3,
        allow_http=False,
        actor=BANK,
        at=AT,
    )


def test_filters_are_kept_as_the_event_filter_keeps_them() -> None:
    subscription = new(types=["B", "A", "A"])
    assert subscription.filters == {"types": ["A", "B"]} and subscription.status == ACTIVE


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"colours": ["x"]}, "filters.colours"), ({"types": ["a\u0000"]}, "filters.types")],
)
def test_bad_filters_name_their_field(filters: dict[str, list[str]], field: str) -> None:
    with pytest.raises(InvalidSubscription) as refused:
        new(**filters)
    assert refused.value.field == field


def test_its_lifecycle_and_what_it_refuses() -> None:
    subscription = new()
    subscription.pause(actor=BANK, at=AT)
    assert subscription.status == PAUSED
    with pytest.raises(SubscriptionStateConflict):
        subscription.pause(actor=BANK, at=AT)
    subscription.resume(actor=BANK, at=AT)
    subscription.disable(reason="the endpoint answered 410 Gone", actor=Actor.system(), at=AT)
    assert (subscription.status, subscription.disabled_reason[:16]) == (
        DISABLED,
        "the endpoint ans",
    )
    subscription.resume(actor=BANK, at=AT)
    assert subscription.status == ACTIVE and subscription.disabled_reason == ""
    with pytest.raises(InvalidSubscription):
        subscription.replay(after=11, head=10, actor=BANK, at=AT)
    subscription.replay(after=0, head=10, actor=BANK, at=AT)
    subscription.delete(actor=BANK, at=AT)
    assert subscription.status == DELETED
    for act in (subscription.resume, subscription.rotate_secret, subscription.delete):
        with pytest.raises(SubscriptionStateConflict):
            act(actor=BANK, at=AT)
    kinds = [type(e).__name__ for e in subscription.collect_events()]
    assert kinds == [
        "Registered",
        "Paused",
        "Resumed",
        "Disabled",
        "Resumed",
        "ReplayRequested",
        "Deleted",
    ]

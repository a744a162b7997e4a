"""The subscriptions read model (private: each subscriber reads only its own)."""

from __future__ import annotations

from typing import Any

from domain.subscription import ACTIVE, DELETED, DISABLED, PAUSED, Subscription
from projections.machinery.base import Projection, on
from projections.machinery.rows import Rows
from projections.tables import subscriptions


class Subscriptions(Projection):
    """One row per subscription: owner, endpoint, filters, status; never its secret."""

    name = "subscriptions"
    uses_rows = True
    tables = (subscriptions,)

    @on(Subscription.Registered)
    def registered(self, rows: Rows, e: Subscription.Registered, position: int) -> None:
        rows.insert(
            subscriptions,
            dict(
                id=str(e.originator_id),
                owner=e.owner,
                url=e.url,
                filters=e.filters,
                status=ACTIVE,
                disabled_reason="",
                start_after=e.after,
                replay_after=None,
                replay_version=0,
                resumed_at=None,
                created_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    def _set(self, rows: Rows, e: Any, **values: Any) -> None:
        rows.update(subscriptions, str(e.originator_id), version=e.originator_version, **values)

    @on(Subscription.Paused)
    def paused(self, rows: Rows, e: Subscription.Paused, position: int) -> None:
        self._set(rows, e, status=PAUSED)

    @on(Subscription.Resumed)
    def resumed(self, rows: Rows, e: Subscription.Resumed, position: int) -> None:
        self._set(rows, e, status=ACTIVE, disabled_reason="", resumed_at=e.timestamp)

    @on(Subscription.Disabled)
    def disabled(self, rows: Rows, e: Subscription.Disabled, position: int) -> None:
        self._set(rows, e, status=DISABLED, disabled_reason=e.reason)

    @on(Subscription.ReplayRequested)
    def replayed(self, rows: Rows, e: Subscription.ReplayRequested, position: int) -> None:
        self._set(rows, e, replay_after=e.after, replay_version=e.originator_version)

    @on(Subscription.SecretRotated)
    def rotated(self, rows: Rows, e: Subscription.SecretRotated, position: int) -> None:
        self._set(rows, e)

    @on(Subscription.Deleted)
    def deleted(self, rows: Rows, e: Subscription.Deleted, position: int) -> None:
        self._set(rows, e, status=DELETED)

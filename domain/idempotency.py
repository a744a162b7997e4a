"""Idempotent requests: the first outcome of a client's Idempotency-Key, kept for retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import InvalidInput


class IdempotencyKeyReused(InvalidInput):
    """The key was first used for a different request."""


class IdempotentRequest(Aggregate):
    """Saved in the same transaction as the command it answers, so it exists iff that did."""

    @staticmethod
    def create_id(scope: str, key: str, **_: Any) -> UUID:
        return ids.idempotency_id(scope, key)

    @event("Recorded")
    def __init__(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        result_id: str,
        log_head_before: int,
        timestamp: datetime,
    ) -> None:
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
        self.result_id = result_id
        # Where to start looking for this record's own position when answering a retry.
        self.log_head_before = log_head_before

    def check_same_request(self, fingerprint: str) -> None:
        if fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used for a different request", field="Idempotency-Key"
            )

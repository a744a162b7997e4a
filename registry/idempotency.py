"""Use case wrapper: a command sent again with the same Idempotency-Key answers as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain import ids
from domain.credential import Credential
from domain.errors import DomainError
from domain.idempotency import IdempotentRequest
from registry.base import IDEMPOTENCY, AlreadyExists, Idempotency, Receipt, RegistryBase

P = ParamSpec("P")
R = TypeVar("R", bound=Receipt)
SCAN_PAGE = 500


class IdempotencyCases(RegistryBase):
    """Runs commands under an Idempotency-Key; retries return the first receipt."""

    def run_idempotent(
        self, request: Idempotency, case: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> Receipt:
        record_id = ids.idempotency_id(request.scope, request.key)
        if self.exists(record_id):
            return self._replay(record_id, request.fingerprint)
        token = IDEMPOTENCY.set(request)
        try:
            return case(*args, **kwargs)
        except DomainError:
            # A concurrent request with the same key may have won meanwhile: then this
            # one's refusal (a duplicate, a version conflict) is really a retry.
            if self.exists(record_id):
                return self._replay(record_id, request.fingerprint)
            raise
        finally:
            IDEMPOTENCY.reset(token)

    def first_result(self, request: Idempotency) -> str | None:
        """The result id the key first answered with (the same request only), or None."""
        record_id = ids.idempotency_id(request.scope, request.key)
        if not self.exists(record_id):
            return None
        record = self.load(IdempotentRequest, str(record_id), "idempotent request")
        record.check_same_request(request.fingerprint)
        return record.result_id

    def remember_result(self, request: Idempotency, result_id: str) -> str:
        """Keep the outcome of a request that records no event of its own (signing a
        checkpoint); returns the key's first result, which a concurrent retry may have set."""
        record = IdempotentRequest(
            scope=request.scope,
            key=request.key,
            fingerprint=request.fingerprint,
            result_id=result_id,
            log_head_before=int(self.recorder.max_notification_id() or 0),
            timestamp=self.now(),
        )
        try:
            self.save(record)
        except IntegrityError:  # the same key won meanwhile: answer as it did
            first = self.first_result(request)
            if first is None:
                raise
            return first
        return result_id

    def _replay(self, record_id: UUID, fingerprint: str) -> Receipt:
        record = self.load(IdempotentRequest, str(record_id), "idempotent request")
        record.check_same_request(fingerprint)
        if isinstance(self.repository.get(UUID(record.result_id)), Credential):
            raise AlreadyExists(
                "this key already issued a credential; its token was shown once "
                "and cannot be shown again",
                field="Idempotency-Key",
            )
        return Receipt(id=record.result_id, position=self._position_of(record))

    def _position_of(self, record: IdempotentRequest) -> int:
        """The log position of the record's own event: the first command's receipt position."""
        topic = get_topic(type(record)) + ".Recorded"
        start = record.log_head_before
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=SCAN_PAGE, topics=[topic], inclusive_of_start=False
            )
            for notification in page:
                if notification.originator_id == record.id:
                    return int(notification.id)
            if len(page) < SCAN_PAGE:
                raise LookupError(f"idempotent request {record.id} has no notification")
            start = page[-1].id

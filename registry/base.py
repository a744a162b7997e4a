"""The application's plumbing: clock, typed loading, atomic saving and error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypedDict, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, JSONTranscoder
from eventsourcing.postgres import PostgresFactory

from domain.errors import Conflict, DomainError, NotFound
from domain.idempotency import IdempotentRequest
from registry import transcodings
from registry.batching import CommitBatcher

A = TypeVar("A", bound=Aggregate)

# Held while a process creates the event store's tables on PostgreSQL ("lret").
EVENT_TABLES_LOCK = 0x6C72_6574


class Receipt(TypedDict):
    """What every successful command answers: the resource id and the log position."""

    id: str
    position: int


class AlreadyExists(Conflict):
    """A record with the same natural key exists."""


class PreconditionFailed(DomainError):
    """The client's If-Match version is not the record's current version."""


class WriteConflict(Conflict):
    """Another command changed the same record first; running the command again is safe."""


class CommitObserver(Protocol):
    """Told of every command's append (`registry_appends_total` and its conflicts)."""

    def appended(self, events: int) -> None: ...

    def conflicted(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events to an aggregate (None for a new one), as the library's projector
    does, without its per-event isinstance check against a runtime Protocol, which cost
    about a twelfth of an API worker's time on the write path."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


@dataclass(frozen=True)
class Idempotency:
    """A client's Idempotency-Key, scoped to its credential, and its request's fingerprint."""

    scope: str
    key: str
    fingerprint: str


# Set around one command run (in the thread that runs it) by `run_idempotent`.
IDEMPOTENCY: ContextVar[Idempotency | None] = ContextVar("idempotency", default=None)


class RegistryBase(Application[UUID]):
    """Shared machinery of the registry's use cases."""

    is_snapshotting_enabled = False
    commit_observer: CommitObserver | None = None  # set by the service for its metrics

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = utc_now,
        commit_batch: int = 1,
    ) -> None:
        super().__init__(env=env)
        self.clock = clock
        # With commit_batch > 1, concurrent commands share append transactions.
        self.batcher = CommitBatcher(self.save, commit_batch) if commit_batch > 1 else None

    def close(self) -> None:
        if self.batcher is not None:
            self.batcher.close()
        super().close()

    def construct_recorder(self) -> ApplicationRecorder:
        factory = self.factory
        if not (isinstance(factory, PostgresFactory) and factory.env_create_table()):
            return super().construct_recorder()
        # API and projection workers that start together would otherwise race on the
        # library's CREATE OR REPLACE FUNCTION and fail with "tuple concurrently updated".
        with factory.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (EVENT_TABLES_LOCK,))
            try:
                return super().construct_recorder()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (EVENT_TABLES_LOCK,))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    def now(self) -> datetime:
        return self.clock()

    def load(
        self,
        cls: type[A],
        aggregate_id: UUID | str,
        what: str,
        expected_version: int | None = None,
        *,
        to_change: bool = True,
    ) -> A:
        """Get an aggregate of the expected type (at the version the client last saw).

        With `to_change=False` the caller promises only to read it: it may get the cached
        aggregate itself rather than a copy (cheaper for large ones, such as a scheme), and
        while another thread is already bringing that aggregate up to date it does not queue
        behind it for a query of its own, so that the scheme and body every evaluation reads
        do not serialise concurrent commands. The state it reads is then the one last
        brought up to date, at most one query older.
        """
        try:
            key = aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id)
        except ValueError:
            raise NotFound(f"no {what} {aggregate_id}") from None
        try:
            aggregate: Aggregate = self.repository.get(
                key,
                projector_func=replay,
                deepcopy_from_cache=to_change,
                fastforward_skipping=not to_change,
            )
        except AggregateNotFoundError:
            raise NotFound(f"no {what} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {what} {aggregate_id}")
        if expected_version is not None and aggregate.version != expected_version:
            raise PreconditionFailed(
                f"{what} {aggregate_id} is at version {aggregate.version}, "
                f"not {expected_version}; reload it",
                field="If-Match",
            )
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository

    def commit(self, result: Aggregate, *others: Aggregate | None, **extra: Any) -> Receipt:
        """Save all pending events of the given aggregates atomically (and, for a request
        with an Idempotency-Key, its record last, so its position is the receipt's). The one
        way the registry writes: events are only ever appended (rule 9)."""
        request = IDEMPOTENCY.get()
        record = None
        if request is not None:
            record = IdempotentRequest(
                scope=request.scope,
                key=request.key,
                fingerprint=request.fingerprint,
                result_id=str(result.id),
                log_head_before=int(self.recorder.max_notification_id() or 0),
                timestamp=self.now(),
            )
        try:
            if self.batcher is None:
                recordings = self.save(result, *others, record)
            else:
                events = [e for a in (result, *others, record) if a for e in a.collect_events()]
                recordings = self.batcher.append(events)
        except IntegrityError:
            # Optimistic concurrency: an aggregate version was taken by another writer.
            if self.commit_observer is not None:
                self.commit_observer.conflicted()
            raise WriteConflict(
                "the record was changed by another request at the same time; retry"
            ) from None
        if self.commit_observer is not None:
            self.commit_observer.appended(len(recordings))
        position = max((r.notification.id for r in recordings), default=0)
        return Receipt(id=str(result.id), position=position)

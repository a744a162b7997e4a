"""The report vault: each report's key, kept outside the log so that it can be destroyed.

A report's personal data is sealed in its event under a key of its own (`registry.sealing`);
the key lives here, in the `report_keys` table (migration 0014), never in the log. Destroying
it (after `REGISTRY_REPORT_RETENTION_DAYS`, or on request) sets the key to NULL: the sealed
text stays in the log, byte for byte, but nobody can open it any more (rule 15). The table
also indexes each report by its target and text fingerprint, so that a duplicate filed
within the window can be folded into the first (rule 16). It is not a read model: nothing
rebuilds it, and losing it erases every report's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

metadata = MetaData()


def _utc(at: datetime) -> datetime:
    """Moments stored as naive UTC, as every read-model table stores them."""
    return at.astimezone(UTC).replace(tzinfo=None)


report_keys = Table(
    "report_keys",
    metadata,
    Column("report_id", String(36), primary_key=True),
    Column("key", LargeBinary, nullable=True),  # NULL once destroyed
    Column("target", Text, nullable=False),  # "candidacy:<id>" or "enterprise:<code>"
    Column("fingerprint", Text, nullable=False),  # SHA-256, hex
    Column("received_at", DateTime(), nullable=False),
    Column("destroyed_at", DateTime(), nullable=True),
    Index("ix_report_keys_duplicates", "target", "fingerprint", "received_at"),
)


@dataclass(frozen=True)
class VaultEntry:
    """One report's key and what finds its duplicates."""

    report_id: UUID
    key: bytes
    target: str
    fingerprint: str
    received_at: datetime


class ReportVault(Protocol):
    """Where report keys are kept, found and destroyed."""

    def store(self, entry: VaultEntry) -> None: ...

    def key(self, report_id: UUID) -> bytes | None: ...

    def first_since(self, target: str, fingerprint: str, since: datetime) -> UUID | None: ...

    def destroy(self, report_id: UUID, at: datetime) -> bool: ...

    def discard(self, report_id: UUID) -> None: ...

    def destroy_received_before(self, cutoff: datetime, at: datetime) -> list[UUID]: ...


class MemoryVault:
    """The vault of an in-memory registry (tests, the demo without a database)."""

    def __init__(self) -> None:
        self.entries: dict[UUID, VaultEntry] = {}
        self.destroyed: dict[UUID, datetime] = {}

    def store(self, entry: VaultEntry) -> None:
        self.entries[entry.report_id] = entry

    def key(self, report_id: UUID) -> bytes | None:
        entry = self.entries.get(report_id)
        return None if entry is None or report_id in self.destroyed else entry.key

    def first_since(self, target: str, fingerprint: str, since: datetime) -> UUID | None:
        matches = [
            e
            for e in self.entries.values()
            if (e.target, e.fingerprint) == (target, fingerprint) and e.received_at >= since
        ]
        return min(matches, key=lambda e: e.received_at).report_id if matches else None

    def destroy(self, report_id: UUID, at: datetime) -> bool:
        if report_id not in self.entries or report_id in self.destroyed:
            return False
        self.destroyed[report_id] = at
        return True

    def discard(self, report_id: UUID) -> None:
        self.entries.pop(report_id, None)

    def destroy_received_before(self, cutoff: datetime, at: datetime) -> list[UUID]:
        due = [i for i, e in self.entries.items() if e.received_at < cutoff]
        return [i for i in due if self.destroy(i, at)]


class SqlVault:
    """The vault in the read-model database (its own table, both stores)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def store(self, entry: VaultEntry) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(report_keys).values(
                    report_id=str(entry.report_id),
                    key=entry.key,
                    target=entry.target,
                    fingerprint=entry.fingerprint,
                    received_at=_utc(entry.received_at),
                )
            )

    def key(self, report_id: UUID) -> bytes | None:
        with self.engine.connect() as conn:
            query = select(report_keys.c.key).where(report_keys.c.report_id == str(report_id))
            found = conn.execute(query).scalar_one_or_none()
        return bytes(found) if found is not None else None

    def first_since(self, target: str, fingerprint: str, since: datetime) -> UUID | None:
        query = (
            select(report_keys.c.report_id)
            .where(
                report_keys.c.target == target,
                report_keys.c.fingerprint == fingerprint,
                report_keys.c.received_at >= _utc(since),
            )
            .order_by(report_keys.c.received_at, report_keys.c.report_id)
            .limit(1)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar_one_or_none()
        return UUID(found) if found is not None else None

    def destroy(self, report_id: UUID, at: datetime) -> bool:
        where = and_(report_keys.c.report_id == str(report_id), report_keys.c.key.is_not(None))
        with self.engine.begin() as conn:
            done = conn.execute(
                update(report_keys).where(where).values(key=None, destroyed_at=_utc(at))
            )
        return bool(done.rowcount)

    def discard(self, report_id: UUID) -> None:
        """Forget the key of a report whose events were never recorded."""
        with self.engine.begin() as conn:
            conn.execute(delete(report_keys).where(report_keys.c.report_id == str(report_id)))

    def destroy_received_before(self, cutoff: datetime, at: datetime) -> list[UUID]:
        where = and_(report_keys.c.received_at < _utc(cutoff), report_keys.c.key.is_not(None))
        with self.engine.begin() as conn:
            due = conn.execute(
                update(report_keys)
                .where(where)
                .values(key=None, destroyed_at=_utc(at))
                .returning(report_keys.c.report_id)
            ).scalars()
            return [UUID(i) for i in due]

"""Credentials as administrators see them (private), and when each was last used.

The table holds no token and no token hash: only what a credential is for and its
lifetime. `LastUsed` keeps the last-used time as operational metadata, outside the event
log (an event per request would flood the log and its public feed).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from domain.credential import Credential
from projections.machinery.base import Projection, on
from projections.machinery.rows import Rows
from projections.tables import credentials

log = logging.getLogger(__name__)
c = credentials.c


class Credentials(Projection):
    """One row per credential: role, subject, label, lifetime and rotation links."""

    name = "credentials"
    uses_rows = True
    tables = (credentials,)

    @on(Credential.Issued)
    def issued(self, rows: Rows, e: Credential.Issued, position: int) -> None:
        replaces = e.replaces or None  # "" in events before rotation (the class's default)
        rows.insert(
            credentials,
            dict(
                id=str(e.originator_id),
                role=e.role,
                subject=e.subject,
                label=e.label,
                created_at=e.timestamp,
                created_by_role=e.actor.role,
                created_by_subject=e.actor.subject,
                expires_at=e.expires_at,
                revocation_reason="",
                replaces=replaces,
                region=e.region,
                version=e.originator_version,
            ),
        )
        if replaces is not None:
            rows.update(credentials, replaces, replaced_by=str(e.originator_id))

    @on(Credential.Revoked)
    def revoked(self, rows: Rows, e: Credential.Revoked, position: int) -> None:
        rows.update(
            credentials,
            str(e.originator_id),
            revoked_at=e.timestamp,
            revocation_reason=e.reason,  # "" in older events (the class's default)
            version=e.originator_version,
        )


class LastUsed:
    """Notes credential use in `credentials.last_used_at`, at most once per `interval` per
    credential. Calls return at once: a short-lived background thread does the writing,
    and a failed write is logged and forgotten (it is bookkeeping, not the record)."""

    def __init__(self, engine: Engine, interval: timedelta = timedelta(minutes=1)) -> None:
        self.engine = engine
        self.interval = interval
        self._lock = threading.Lock()
        self._noted: dict[str, datetime] = {}  # the last time queued, per credential
        self._pending: dict[str, datetime] = {}
        self._writer: threading.Thread | None = None

    def __call__(self, credential_id: str, at: datetime) -> None:
        with self._lock:
            last = self._noted.get(credential_id)
            if last is not None and at - last < self.interval:
                return
            self._noted[credential_id] = at
            self._pending[credential_id] = at
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_pending, name="credential-last-used", daemon=True
                )
                self._writer.start()

    def _write_pending(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, {}
                if not batch:
                    self._writer = None
                    return
            missed = self.write(batch)
            with self._lock:
                for credential_id in missed:  # not written: note it again on the next use
                    if self._noted.get(credential_id) == batch[credential_id]:
                        del self._noted[credential_id]

    def write(self, batch: dict[str, datetime]) -> list[str]:
        """Set the last-used times (never moving one back); returns the ids not written."""
        try:
            with self.engine.begin() as conn:
                missing = []
                for credential_id in sorted(batch):  # one lock order across processes
                    at = batch[credential_id]
                    result = conn.execute(
                        update(credentials)
                        .where(
                            c.id == credential_id,
                            or_(c.last_used_at.is_(None), c.last_used_at < at),
                        )
                        .values(last_used_at=at)
                    )
                    if result.rowcount == 0 and (
                        conn.scalar(select(c.id).where(c.id == credential_id)) is None
                    ):
                        missing.append(credential_id)  # not projected yet
                return missing
        except SQLAlchemyError:
            log.warning("could not record when %d credential(s) were last used", len(batch))
            return list(batch)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until everything noted so far is written (tests, shutdown)."""
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join(timeout)

"""The leader page's "verify" panel: the inclusion proof, in the latest signed checkpoint,
of the event that set the title's status (the reads `/v1/audit/...` answer; docs/audit.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import InvalidInput, NotFound
from projections.audit import queries as audit_queries

# How long a page waits, at most, for a checkpoint to cover its event when checkpoints are
# signed on demand only (otherwise: the configured interval).
ON_DEMAND_WAIT = timedelta(minutes=1)


@dataclass(frozen=True)
class Proof:
    """The event that backs the status, and its proof when a checkpoint covers it."""

    event: dict[str, Any]
    checkpoint: dict[str, Any] | None  # the latest signed checkpoint, if any
    inclusion: dict[str, Any] | None  # its inclusion proof, if the checkpoint covers it

    @property
    def pending(self) -> bool:
        """The event is not yet in a signed tree (the next checkpoint will hold it)."""
        return self.inclusion is None


async def prove(conn: AsyncConnection, event: dict[str, Any]) -> Proof:
    """The proof that `event` is in the registry's signed log, as far as it exists yet."""
    try:
        checkpoint = await audit_queries.latest_checkpoint(conn)
    except NotFound:  # nothing signed yet (no signing key, or not yet its first interval)
        return Proof(event, None, None)
    try:
        inclusion = await audit_queries.inclusion(
            conn, position=int(event["position"]), size=int(checkpoint["tree_size"])
        )
    except (NotFound, InvalidInput):  # not yet in the tree, or after the checkpoint's size
        return Proof(event, checkpoint, None)
    return Proof(event, checkpoint, inclusion)


def recheck_at(proof: Proof, now: datetime, interval_seconds: float) -> datetime | None:
    """Until when a page showing `proof` holds: a pending proof is looked at again after
    the next checkpoint is due (signing one records no event, so nothing else would)."""
    if not proof.pending:
        return None  # an inclusion proof in a signed tree stays true
    wait = timedelta(seconds=interval_seconds) if interval_seconds > 0 else ON_DEMAND_WAIT
    return now + wait

"""The public event feed and the histories of enterprises and candidacies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.base import Projection, type_name
from projections.encoding import event_data, event_type
from projections.rows import Rows
from projections.tables import events, subjects

# Credential events name who holds which role, and idempotency records are bookkeeping of
# client retries: neither is part of the public record.
PRIVATE_AGGREGATES = frozenset({"Credential", "IdempotentRequest"})


def _relations(event: Any) -> tuple[str | None, str | None]:
    """(credit code, candidacy id) a creation event ties its aggregate to, if any."""
    kind = event_type(event)
    if kind == "Declaration.Declared":
        return event.enterprise.credit_code, None
    if kind == "Candidacy.Entered":
        return event.enterprise.credit_code, str(event.originator_id)
    return None, None


class History(Projection):
    """Every public event, with its actor, tied to an enterprise and a candidacy."""

    name = "history"
    uses_rows = True
    tables = (events, subjects)

    def wants(self, topic: str) -> bool:
        return type_name(topic).split(".")[0] not in PRIVATE_AGGREGATES

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        # Every later event of an aggregate reads the subject its first one recorded.
        keys = [str(e.originator_id) for e in events if e.originator_version > 1]
        keys += [str(e.candidacy_id) for e in events if event_type(e) == "Complaint.Filed"]
        rows.prefetch(subjects, keys)

    def handle(self, rows: Rows, event: Any, position: int) -> None:
        aggregate_type = event_type(event).split(".")[0]
        if aggregate_type in PRIVATE_AGGREGATES:
            return
        aggregate_id = str(event.originator_id)
        credit_code, candidacy_id = _relations(event)
        if event_type(event) == "Complaint.Filed":
            candidacy_id = str(event.candidacy_id)
            subject = rows.get(subjects, candidacy_id)
            credit_code = subject["credit_code"] if subject else None
        if event.originator_version == 1:
            rows.insert(
                subjects,
                dict(aggregate_id=aggregate_id, credit_code=credit_code, candidacy_id=candidacy_id),
            )
        else:
            subject = rows.get(subjects, aggregate_id)
            if subject is not None:
                credit_code, candidacy_id = subject["credit_code"], subject["candidacy_id"]
        actor = getattr(event, "actor", None)
        rows.insert(
            events,
            dict(
                position=position,
                aggregate_id=aggregate_id,
                aggregate_version=event.originator_version,
                aggregate_type=aggregate_type,
                event_type=event_type(event),
                timestamp=event.timestamp,
                actor_role=actor.role if actor else "",
                actor_subject=actor.subject if actor else "",
                actor_credential_id=getattr(actor, "credential_id", ""),
                request_id=getattr(actor, "request_id", ""),
                credit_code=credit_code,
                candidacy_id=candidacy_id,
                data=event_data(event),
            ),
        )

"""The public event feed and the histories of enterprises and candidacies."""

from __future__ import annotations

from collections.abc import Sequence

from domain.values import Role
from projections.machinery.base import Projection, type_name
from projections.machinery.encoding import ENVELOPE, PRIVATE_AGGREGATES
from projections.machinery.rows import Rows
from projections.machinery.stored import Stored
from projections.tables import events, subjects


class History(Projection):
    """Every public event, with its actor, tied to an enterprise and a candidacy."""

    name = "history"
    uses_rows = True
    reads_stored = True  # it copies every field: see projections/machinery/stored.py
    tables = (events, subjects)

    def wants(self, topic: str) -> bool:
        return type_name(topic).split(".")[0] not in PRIVATE_AGGREGATES

    def prefetch(self, rows: Rows, events: Sequence[Stored]) -> None:
        # Every later event of an aggregate reads the subject its first one recorded.
        keys = [str(s.originator_id) for s in events if s.originator_version > 1]
        keys += [str(s.field("candidacy_id")) for s in events if s.type_name == "Complaint.Filed"]
        rows.prefetch(subjects, keys)

    def handle(self, rows: Rows, event: Stored, position: int) -> None:
        kind = event.type_name
        aggregate_type = kind.split(".")[0]
        if aggregate_type in PRIVATE_AGGREGATES:
            return
        aggregate_id = str(event.originator_id)
        credit_code: str | None = None
        candidacy_id: str | None = None
        if kind in ("Declaration.Declared", "Candidacy.Entered"):
            credit_code = event.field("enterprise").credit_code
            candidacy_id = aggregate_id if kind == "Candidacy.Entered" else None
        elif kind == "AccessGrant.Granted" and event.field("role") == Role.ENTERPRISE:
            credit_code = event.field("subject")  # who may act for the enterprise
        elif kind == "Complaint.Filed":
            candidacy_id = str(event.field("candidacy_id"))
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
        actor = event.field("actor")
        rows.insert(
            events,
            dict(
                position=position,
                aggregate_id=aggregate_id,
                aggregate_version=event.originator_version,
                aggregate_type=aggregate_type,
                event_type=kind,
                timestamp=event.field("timestamp"),
                actor_role=actor.role if actor else "",
                actor_subject=actor.subject if actor else "",
                actor_credential_id=getattr(actor, "credential_id", ""),
                request_id=getattr(actor, "request_id", ""),
                credit_code=credit_code,
                candidacy_id=candidacy_id,
                data=event.plain_data(ENVELOPE | {"actor"}),
            ),
        )

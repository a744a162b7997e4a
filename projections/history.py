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
    """Every public event, with its actor, tied to what it concerns (enterprise, candidacy,
    category, evaluation body, scheme)."""

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
        if event.originator_version == 1:
            subject = first_subject(rows, event)
            rows.insert(subjects, dict(aggregate_id=aggregate_id, **subject))
        else:
            found = rows.get(subjects, aggregate_id)
            subject = {k: found[k] for k in SUBJECT} if found else dict.fromkeys(SUBJECT)
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
                data=event.plain_data(ENVELOPE | {"actor"}),
                **subject,
            ),
        )


# What an aggregate's events concern: the enterprise, candidacy, category, body and scheme.
SUBJECT = ("credit_code", "candidacy_id", "category", "body_id", "scheme_id")


def first_subject(rows: Rows, event: Stored) -> dict[str, str | None]:
    """What an aggregate's first event says its events concern (all of them keep it)."""
    kind = event.type_name
    aggregate_id = str(event.originator_id)
    found: dict[str, str | None] = dict.fromkeys(SUBJECT)
    if kind == "Declaration.Declared":
        found["credit_code"] = event.field("enterprise").credit_code
        found["category"] = event.field("product").category
    elif kind == "Candidacy.Entered":
        found["credit_code"] = event.field("enterprise").credit_code
        found["candidacy_id"] = aggregate_id
        found["category"] = event.field("category")
        found["body_id"] = str(event.field("body_id"))
        found["scheme_id"] = str(event.field("scheme_id"))
    elif kind == "Scheme.Drafted":
        found["category"] = event.field("category")
        found["body_id"] = str(event.field("body_id"))
        found["scheme_id"] = aggregate_id
    elif kind == "EvaluationBody.Registered":
        found["body_id"] = aggregate_id
    elif kind == "Category.Defined":
        found["category"] = event.field("code")
    elif kind == "AccessGrant.Granted" and event.field("role") == Role.ENTERPRISE:
        found["credit_code"] = event.field("subject")  # who may act for the enterprise
    elif kind == "Complaint.Filed":
        candidacy = rows.get(subjects, str(event.field("candidacy_id")))
        found = {k: candidacy[k] for k in SUBJECT} if candidacy else found
        found["candidacy_id"] = str(event.field("candidacy_id"))
    return found

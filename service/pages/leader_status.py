"""What a leader page says about one candidacy: its status in plain terms, and its history
as a timeline, from the records the API answers (`GET /v1/candidacies/{id}` and its
history). The wording itself is the template's (`leader.html`), in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.complaint import OPEN_STATUSES

# Events whose actor is the registry itself (the expiry sweeper, a supersession).
SYSTEM = "system"
# The candidacy's own notes of a complaint, which the complaint's events tell in full.
COMPLAINT_NOTES = frozenset({"Candidacy.ComplaintFiled", "Candidacy.ComplaintClosed"})


@dataclass(frozen=True)
class Status:
    """The status as a reader should see it now, and the facts its sentence names."""

    kind: str  # the candidacy's displayed status (`queries.display_status`)
    in_force: bool  # a title that holds now (awarded, perhaps under complaint)
    until: str | None = None  # in force until (the title's validity)
    since: str | None = None  # under complaint since (the first open complaint's filing)
    ended_on: str | None = None  # revoked, expired or superseded on
    ended_by: dict[str, str] | None = None  # who ended it (an actor, named)
    reason: str | None = None  # why it was revoked, excluded or not ranked
    superseded_by: str | None = None  # the scheme whose list superseded it
    open_reports: int = 0  # public reports holding a publicised entry's award (rule 6)


def actor(event_actor: dict[str, Any] | None, bodies: dict[str, str]) -> dict[str, str]:
    """An actor as a page names it: its role, and a body's name for its id."""
    if not event_actor or not event_actor.get("role"):
        return {"role": SYSTEM, "name": ""}
    role, subject = str(event_actor["role"]), str(event_actor.get("subject") or "")
    return {"role": role, "name": bodies.get(subject, subject) if role != SYSTEM else ""}


def _filed_at(history: list[dict[str, Any]], complaint_ids: set[str]) -> str | None:
    """When the earliest of these complaints was filed."""
    filed = [
        e["timestamp"]
        for e in history
        if e["type"] == "Complaint.Filed" and e["aggregate_id"] in complaint_ids
    ]
    return min(filed, default=None)


def _superseding_scheme(history: list[dict[str, Any]]) -> str | None:
    for event in reversed(history):
        if event["type"] == "Candidacy.Superseded":
            return str(event["data"]["by_scheme_id"])
    return None


def _open_reports(history: list[dict[str, Any]]) -> int:
    """How many public reports hold the award now: filed, and not yet dealt with."""
    kinds = [e["type"] for e in history]
    return kinds.count("Candidacy.ReportFiled") - kinds.count("Candidacy.ReportClosed")


def status(record: dict[str, Any], history: list[dict[str, Any]], bodies: dict[str, str]) -> Status:
    """The status sentence's facts, for the candidacy `record` (as the API answers it)."""
    kind = str(record["status"])
    recorded = str(record["recorded_status"])
    ended_by = actor(record["ended_by"], bodies) if record["ended_by"] else None
    if kind == "awarded":
        return Status(kind, True, until=record["valid_until"])
    if kind == "under_complaint":
        open_ids = {str(c["id"]) for c in record["complaints"] if c["status"] in OPEN_STATUSES}
        since = _filed_at(history, open_ids)
        held = recorded == "awarded"
        return Status(kind, held, until=record["valid_until"] if held else None, since=since)
    if kind == "expired":
        # Past its validity, whether or not the sweeper has recorded it yet.
        return Status(kind, False, ended_on=record["valid_until"], ended_by=ended_by)
    if kind == "revoked":
        return Status(
            kind, False, ended_on=record["ended_at"], ended_by=ended_by, reason=record["end_reason"]
        )
    if kind == "withdrawn":  # rule 18: the enterprise withdrew the declared standard
        return Status(
            kind, False, ended_on=record["ended_at"], ended_by=ended_by, reason=record["end_reason"]
        )
    if kind == "superseded":
        return Status(
            kind,
            False,
            ended_on=record["ended_at"],
            ended_by=ended_by,
            superseded_by=_superseding_scheme(history),
        )
    if kind in ("excluded", "not_ranked"):
        return Status(kind, False, reason=record["exclusion_reason"])
    if kind == "publicised":
        return Status(
            kind, False, until=record["publicity_ends_at"], open_reports=_open_reports(history)
        )
    return Status(kind, False)  # entered, evaluated, ranked: a stage on the way


def timeline(history: list[dict[str, Any]], bodies: dict[str, str]) -> list[dict[str, Any]]:
    """The history's steps, oldest first, each with its actor named. A complaint shows as
    its own events (filed with its grounds, decided with the findings), not again as the
    candidacy's notes of it."""
    return [
        {
            "type": event["type"],
            "timestamp": event["timestamp"],
            "position": event["position"],
            "actor": actor(event["actor"], bodies),
            "data": event["data"],
        }
        for event in history
        if event["type"] not in COMPLAINT_NOTES
    ]


def status_event(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The candidacy's own latest event: the one that set the status it has now."""
    own = [e for e in history if e["aggregate_type"] == "Candidacy"]
    return own[-1] if own else None

"""What a leader page says, from a candidacy's record and history: the facts of its status
sentence, the actors it names, its timeline, and when a pending proof is looked at again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from service.pages import leader_proof, leader_status

BODY = "b0d1e5"
RECORD: dict[str, Any] = {
    "status": "awarded",
    "recorded_status": "awarded",
    "valid_until": "2026-03-11T09:00:00+00:00",
    "publicity_ends_at": "2025-03-11T09:00:00+00:00",
    "ended_at": None,
    "ended_by": None,
    "end_reason": None,
    "exclusion_reason": None,
    "complaints": [],
}


def event(kind: str, at: str, aggregate_id: str = "c", **data: Any) -> dict[str, Any]:
    aggregate_type = kind.split(".")[0]
    actor = {"role": "regulator", "subject": "Tianjin AMR"}
    return {
        "type": kind,
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "timestamp": at,
        "position": len(at),
        "actor": actor,
        "data": data,
    }


def test_under_complaint_is_since_the_earliest_complaint_still_open() -> None:
    record = RECORD | {
        "status": "under_complaint",
        "complaints": [
            {"id": "k1", "status": "dismissed"},
            {"id": "k2", "status": "filed"},
            {"id": "k3", "status": "filed"},
        ],
    }
    history = [
        event("Complaint.Filed", "2025-04-01T00:00:00+00:00", "k1"),
        event("Complaint.Filed", "2025-05-02T00:00:00+00:00", "k2"),
        event("Complaint.Filed", "2025-06-03T00:00:00+00:00", "k3"),
    ]
    found = leader_status.status(record, history, {})
    assert found.since == "2025-05-02T00:00:00+00:00"  # not the dismissed one's filing
    assert found.in_force and found.until == RECORD["valid_until"]


def test_a_publicised_entry_under_complaint_holds_no_title() -> None:
    record = RECORD | {"status": "under_complaint", "recorded_status": "publicised"}
    found = leader_status.status(record, [], {})
    assert not found.in_force and found.until is None


def test_a_publicised_entry_counts_the_public_reports_still_open() -> None:
    record = RECORD | {"status": "publicised", "recorded_status": "publicised"}
    history = [
        event("Candidacy.ReportFiled", "2025-03-02T00:00:00+00:00", report_id="r1"),
        event("Candidacy.ReportFiled", "2025-03-03T00:00:00+00:00", report_id="r2"),
        event("Candidacy.ReportClosed", "2025-03-04T00:00:00+00:00", report_id="r1"),
    ]
    assert leader_status.status(record, history, {}).open_reports == 1
    assert leader_status.status(record, history[:1] + history[2:], {}).open_reports == 0


def test_expired_is_on_the_last_day_of_validity_even_before_the_sweep() -> None:
    record = RECORD | {"status": "expired"}  # still `awarded` as recorded
    found = leader_status.status(record, [], {})
    assert found.ended_on == RECORD["valid_until"] and not found.in_force


def test_revoked_names_who_and_why_and_superseded_names_the_newer_scheme() -> None:
    revoked = RECORD | {
        "status": "revoked",
        "ended_at": "2025-07-01T00:00:00+00:00",
        "ended_by": {"role": "evaluation_body", "subject": BODY},
        "end_reason": "product discontinued",
    }
    found = leader_status.status(revoked, [], {BODY: "Tianjin Quality Institute"})
    assert found.ended_by == {"role": "evaluation_body", "name": "Tianjin Quality Institute"}
    assert found.reason == "product discontinued"
    superseded = RECORD | {"status": "superseded", "ended_at": "2026-01-01T00:00:00+00:00"}
    history = [event("Candidacy.Superseded", "2026-01-01T00:00:00+00:00", by_scheme_id="s2")]
    assert leader_status.status(superseded, history, {}).superseded_by == "s2"


def test_the_timeline_tells_a_complaint_once_and_names_the_registry_itself() -> None:
    history = [
        event("Candidacy.Awarded", "2025-03-11T09:00:00+00:00"),
        event("Complaint.Filed", "2025-04-01T00:00:00+00:00", "k1", grounds="fraud"),
        event("Candidacy.ComplaintFiled", "2025-04-01T00:00:00+00:00"),
        event("Candidacy.Expired", "2026-03-11T09:00:00+00:00") | {"actor": None},
    ]
    steps = leader_status.timeline(history, {})
    assert [s["type"] for s in steps] == [
        "Candidacy.Awarded",
        "Complaint.Filed",
        "Candidacy.Expired",
    ]
    assert steps[-1]["actor"] == {"role": "system", "name": ""}
    # The status is backed by the candidacy's own latest event, not the complaint's.
    backing = leader_status.status_event(history)
    assert backing is not None and backing["type"] == "Candidacy.Expired"


def test_a_pending_proof_is_looked_at_again_when_the_next_checkpoint_is_due() -> None:
    now = datetime(2025, 3, 1, tzinfo=UTC)
    pending = leader_proof.Proof({"position": 5}, None, None)
    assert leader_proof.recheck_at(pending, now, 300) == now + timedelta(seconds=300)
    assert leader_proof.recheck_at(pending, now, 0) == now + leader_proof.ON_DEMAND_WAIT
    proven = leader_proof.Proof({"position": 5}, {"tree_size": 9}, {"root_hash": "x"})
    assert leader_proof.recheck_at(proven, now, 300) is None

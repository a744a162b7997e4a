"""Every status each scheme, body, declaration, candidacy and complaint held, and when.

One row per period: the status a record held, with the moment (event time) and log position
it began and ended. The open period is keyed by the record's id, so the next change finds it
without a search; a change closes it into a row keyed "id@position it began" and opens the
next. A candidacy's period also carries its open complaints and its title's validity, from
which its displayed status at a moment follows (`projections.as_of`): a title under
complaint, or past its validity before the sweeper recorded the expiry.

A title's expiry begins when its validity ended, not when the sweeper noticed it, as the
`candidacies` projection's `ended_at` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.candidacy import Candidacy
from domain.complaint import Complaint
from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.scheme import Scheme
from projections.machinery.base import Projection, on
from projections.machinery.encoding import event_type
from projections.machinery.rows import Rows
from projections.tables import status_history

# The kinds of record, as the `kind` column names them.
SCHEME, BODY, DECLARATION, CANDIDACY, COMPLAINT = (
    "scheme",
    "body",
    "declaration",
    "candidacy",
    "complaint",
)
KINDS = (SCHEME, BODY, DECLARATION, CANDIDACY, COMPLAINT)

CREATED = {
    EvaluationBody.Registered: (BODY, "registered"),
    Declaration.Declared: (DECLARATION, "active"),
    Scheme.Drafted: (SCHEME, "draft"),
    Complaint.Filed: (COMPLAINT, "filed"),
    Candidacy.Entered: (CANDIDACY, "entered"),
}
# Events that set a status outright.
STATUS = {
    EvaluationBody.Suspended: "suspended",
    EvaluationBody.Reinstated: "registered",
    Declaration.Withdrawn: "withdrawn",
    Scheme.Approved: "approved",
    Scheme.Rejected: "rejected",
    Scheme.RankingPublished: "ranked",
    Scheme.Awarded: "awarded",
    Complaint.InvestigationStarted: "investigating",
    Complaint.Upheld: "upheld",
    Complaint.Dismissed: "dismissed",
    Candidacy.Evaluated: "evaluated",
    Candidacy.Excluded: "excluded",
    Candidacy.NotRanked: "not_ranked",
    Candidacy.Revoked: "revoked",
    Candidacy.Superseded: "superseded",
    Candidacy.Withdrawn: "withdrawn",
}
_CREATED = {cls.__qualname__: value for cls, value in CREATED.items()}
_STATUS = {cls.__qualname__: value for cls, value in STATUS.items()}
CHANGES = frozenset(_STATUS) | {
    cls.__qualname__
    for cls in (
        Candidacy.Ranked,
        Candidacy.Awarded,
        Candidacy.Expired,
        Candidacy.ComplaintFiled,
        Candidacy.ComplaintClosed,
    )
}


def _change(rows: Rows, e: Any, position: int, at: datetime | None = None, **values: Any) -> None:
    """Close the record's open period at `at` (the event's time) and open one with `values`."""
    key = str(e.originator_id)
    current = rows.get(status_history, key)
    if current is None:
        return  # a record this projection never saw begin (as an UPDATE would: nothing)
    if all(current[column] == value for column, value in values.items()):
        return  # nothing a reader sees changed: the period goes on
    at = max(at or e.timestamp, current["began_at"])
    closed = {**current, "period_id": f"{key}@{current['began_position']}"}
    closed.update(ended_at=at, ended_position=position)
    rows.insert(status_history, closed)
    rows.update(status_history, key, began_at=at, began_position=position, **values)


class StatusHistory(Projection):
    """The periods of every record's status, from the events alone."""

    name = "status_history"
    uses_rows = True
    tables = (status_history,)

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        # Every change reads the open period its record's previous event left.
        keys = [str(e.originator_id) for e in events if event_type(e) in CHANGES]
        rows.prefetch(status_history, keys)

    @on(*CREATED)
    def created(self, rows: Rows, e: Any, position: int) -> None:
        kind, status = _CREATED[event_type(e)]
        key = str(e.originator_id)
        rows.insert(
            status_history,
            dict(
                period_id=key,
                record_id=key,
                kind=kind,
                status=status,
                open_complaints=0,
                valid_until=None,
                began_at=e.timestamp,
                began_position=position,
            ),
        )

    @on(*STATUS)
    def status_set(self, rows: Rows, e: Any, position: int) -> None:
        _change(rows, e, position, status=_STATUS[event_type(e)])

    @on(Candidacy.Ranked)
    def ranked(self, rows: Rows, e: Candidacy.Ranked, position: int) -> None:
        _change(rows, e, position, status="publicised" if e.qualified else "ranked")

    @on(Candidacy.Awarded)
    def awarded(self, rows: Rows, e: Candidacy.Awarded, position: int) -> None:
        _change(rows, e, position, status="awarded", valid_until=e.valid_until)

    @on(Candidacy.Expired)
    def expired(self, rows: Rows, e: Candidacy.Expired, position: int) -> None:
        # The title ended when its validity did, not when the sweeper noticed.
        _change(rows, e, position, at=e.valid_until, status="expired")

    @on(Candidacy.ComplaintFiled, Candidacy.ComplaintClosed)
    def complaints(
        self, rows: Rows, e: Candidacy.ComplaintFiled | Candidacy.ComplaintClosed, position: int
    ) -> None:
        current = rows.get(status_history, str(e.originator_id))
        if current is not None:
            step = 1 if isinstance(e, Candidacy.ComplaintFiled) else -1
            _change(rows, e, position, open_complaints=current["open_complaints"] + step)

"""Leader status: one row per candidacy, the source of leader lists, rankings and as_of."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import AggregateEvent

from domain.candidacy import Candidacy
from projections.machinery.base import Projection, on
from projections.machinery.encoding import event_type, plain
from projections.machinery.rows import Rows
from projections.tables import candidacies


def _set(rows: Rows, e: AggregateEvent, **values: Any) -> None:
    values.update(version=e.originator_version, updated_at=e.timestamp)
    rows.update(candidacies, str(e.originator_id), **values)


def _ended(
    e: Candidacy.Revoked | Candidacy.Expired | Candidacy.Superseded | Candidacy.Withdrawn,
    status: str,
    reason: str,
) -> dict[str, Any]:
    return {
        "status": status,
        "ended_at": e.timestamp,
        "end_reason": reason,
        "ended_by_role": e.actor.role,
        "ended_by_subject": e.actor.subject,
    }


READS_ROW = frozenset(
    cls.__qualname__
    for cls in (Candidacy.ComplaintFiled, Candidacy.ComplaintClosed, Candidacy.Revoked)
)


class Candidacies(Projection):
    """Every candidacy's status, evaluation, rank and title period."""

    name = "candidacies"
    uses_rows = True
    tables = (candidacies,)

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        # These handlers compute from the row's current values, so they read it first.
        keys = [str(e.originator_id) for e in events if event_type(e) in READS_ROW]
        rows.prefetch(candidacies, keys)

    @on(Candidacy.Entered)
    def entered(self, rows: Rows, e: Candidacy.Entered, position: int) -> None:
        rows.insert(
            candidacies,
            dict(
                id=str(e.originator_id),
                scheme_id=str(e.scheme_id),
                declaration_id=str(e.declaration_id),
                body_id=str(e.body_id),
                credit_code=e.enterprise.credit_code,
                enterprise_name=e.enterprise.name,
                enterprise_region=e.enterprise.region,
                standard_number=e.standard_number,
                product_name=e.product.name,
                product_model=e.product.model,
                category=e.category,
                cycle=e.cycle,
                level=e.level,
                scheme_region=e.scheme_region,
                status="entered",
                declared=plain(e.declared),
                values={},
                exclusion_reason="",
                qualified=False,
                breakdown=[],
                end_reason="",
                open_complaints=0,
                entered_at=e.timestamp,
                updated_at=e.timestamp,
                version=e.originator_version,
            ),
        )

    @on(Candidacy.Evaluated)
    def evaluated(self, rows: Rows, e: Candidacy.Evaluated, position: int) -> None:
        _set(rows, e, status="evaluated", values=plain(e.values), exclusion_reason="")

    @on(Candidacy.Excluded, Candidacy.NotRanked)
    def excluded(
        self, rows: Rows, e: Candidacy.Excluded | Candidacy.NotRanked, position: int
    ) -> None:
        status = "excluded" if isinstance(e, Candidacy.Excluded) else "not_ranked"
        _set(rows, e, status=status, exclusion_reason=e.reason)

    @on(Candidacy.Ranked)
    def ranked(self, rows: Rows, e: Candidacy.Ranked, position: int) -> None:
        _set(
            rows,
            e,
            status="publicised" if e.qualified else "ranked",
            rank=e.rank,
            score=str(e.score),
            qualified=e.qualified,
            breakdown=plain(e.breakdown),
            publicity_ends_at=e.publicity_ends_at,
        )

    @on(Candidacy.Awarded)
    def awarded(self, rows: Rows, e: Candidacy.Awarded, position: int) -> None:
        _set(rows, e, status="awarded", awarded_at=e.timestamp, valid_until=e.valid_until)

    @on(Candidacy.ComplaintFiled)
    def complaint_filed(self, rows: Rows, e: Candidacy.ComplaintFiled, position: int) -> None:
        _set(rows, e, open_complaints=lambda row: row["open_complaints"] + 1)

    @on(Candidacy.ComplaintClosed)
    def complaint_closed(self, rows: Rows, e: Candidacy.ComplaintClosed, position: int) -> None:
        _set(rows, e, open_complaints=lambda row: row["open_complaints"] - 1)

    @on(Candidacy.Revoked)
    def revoked(self, rows: Rows, e: Candidacy.Revoked, position: int) -> None:
        values = _ended(e, "revoked", e.reason)
        # A title that had already expired or been superseded keeps the moment it ended.
        values["ended_at"] = lambda row: row["ended_at"] or e.timestamp
        _set(rows, e, **values)

    @on(Candidacy.Expired)
    def expired(self, rows: Rows, e: Candidacy.Expired, position: int) -> None:
        # The title ended when its validity did, not when the sweeper noticed.
        values = _ended(e, "expired", f"validity ended {e.valid_until.isoformat()}")
        values["ended_at"] = e.valid_until
        _set(rows, e, **values)

    @on(Candidacy.Superseded)
    def superseded(self, rows: Rows, e: Candidacy.Superseded, position: int) -> None:
        _set(rows, e, **_ended(e, "superseded", f"superseded by scheme {e.by_scheme_id}"))

    @on(Candidacy.Withdrawn)
    def withdrawn(self, rows: Rows, e: Candidacy.Withdrawn, position: int) -> None:
        _set(rows, e, **_ended(e, "withdrawn", e.reason))

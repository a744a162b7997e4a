"""The notice log: every notice as it was given, in log order, for the Atom feeds.

The notice board (`projections/notices.py`) shows the notices in force now; this log keeps
each one as the event that gave it: a publicity window opened (a qualified entry ranked), a
title awarded, revoked, expired, superseded or ended by a withdrawn standard. A row is keyed
by its event's log position and never changes, and it carries its rank among all notices
and within its category, enterprise and scheme (`seq`, ...), so a feed's fixed-size pages,
counted from the oldest, never change once full.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import AggregateEvent

from domain.candidacy import Candidacy
from projections.machinery.base import Projection, on
from projections.machinery.encoding import event_type
from projections.machinery.rows import Rows
from projections.notices import NoticeKind
from projections.tables import notice_counts, notice_log, notice_subjects

AWARD = "award"  # a title awarded: in the log, not on the board (the titles list holds them)

NOTICES = frozenset(
    cls.__qualname__
    for cls in (
        Candidacy.Ranked,
        Candidacy.Awarded,
        Candidacy.Revoked,
        Candidacy.Expired,
        Candidacy.Superseded,
        Candidacy.Withdrawn,
    )
)
# What a notice repeats of its candidacy's subject.
SUBJECT = tuple(c.name for c in notice_subjects.c if c.name != "candidacy_id")


def counter(kind: str, key: str | None) -> str:
    """A feed's name in `notice_counts`: "all", or "category:CODE", "enterprise:CODE",
    "scheme:ID"."""
    return "all" if key is None else f"{kind}:{key}"


def feeds_of(subject: dict[str, Any]) -> dict[str, str]:
    """The feeds a notice about `subject` is in, by the column holding its rank in each."""
    return {
        "seq": counter("all", None),
        "category_seq": counter("category", subject["category"]),
        "enterprise_seq": counter("enterprise", subject["credit_code"]),
        "scheme_seq": counter("scheme", subject["scheme_id"]),
    }


def _next(rows: Rows, feed: str) -> int:
    """Count one more notice in `feed`: its rank there, from 1."""
    current = rows.get(notice_counts, feed)
    if current is None:
        rows.insert(notice_counts, {"feed": feed, "notices": 1})
        return 1
    count = int(current["notices"]) + 1
    rows.update(notice_counts, feed, notices=count)
    return count


class NoticeLog(Projection):
    """Each notice, once, as its event gave it."""

    name = "notice_log"
    uses_rows = True
    tables = (notice_log, notice_subjects, notice_counts)

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        # Every notice reads its candidacy's subject, and the counts of its feeds.
        keys = [str(e.originator_id) for e in events if event_type(e) in NOTICES]
        rows.prefetch(notice_subjects, keys)

    def _notice(
        self,
        rows: Rows,
        e: AggregateEvent,
        position: int,
        kind: str,
        until: Any = None,
        reason: str | None = None,
    ) -> None:
        subject = rows.get(notice_subjects, str(e.originator_id))
        if subject is None:
            return  # a candidacy this log never saw entered (as an UPDATE would: nothing)
        row = {column: subject[column] for column in SUBJECT}
        row.update({column: _next(rows, feed) for column, feed in feeds_of(subject).items()})
        row.update(
            position=position,
            kind=kind,
            candidacy_id=str(e.originator_id),
            at=e.timestamp,
            until=until,
            reason=reason,
        )
        rows.insert(notice_log, row)

    @on(Candidacy.Entered)
    def entered(self, rows: Rows, e: Candidacy.Entered, position: int) -> None:
        rows.insert(
            notice_subjects,
            dict(
                candidacy_id=str(e.originator_id),
                scheme_id=str(e.scheme_id),
                credit_code=e.enterprise.credit_code,
                category=e.category,
                enterprise_name=e.enterprise.name,
                product_name=e.product.name,
                product_model=e.product.model,
                standard_number=e.standard_number,
                cycle=e.cycle,
                level=e.level,
                rank=None,
            ),
        )

    @on(Candidacy.Ranked)
    def ranked(self, rows: Rows, e: Candidacy.Ranked, position: int) -> None:
        rows.update(notice_subjects, str(e.originator_id), rank=e.rank)
        if e.qualified:
            self._notice(rows, e, position, NoticeKind.PUBLICITY, until=e.publicity_ends_at)

    @on(Candidacy.Awarded)
    def awarded(self, rows: Rows, e: Candidacy.Awarded, position: int) -> None:
        self._notice(rows, e, position, AWARD, until=e.valid_until)

    @on(Candidacy.Revoked)
    def revoked(self, rows: Rows, e: Candidacy.Revoked, position: int) -> None:
        self._notice(rows, e, position, NoticeKind.REVOCATION, reason=e.reason)

    @on(Candidacy.Expired)
    def expired(self, rows: Rows, e: Candidacy.Expired, position: int) -> None:
        self._notice(rows, e, position, NoticeKind.EXPIRY, until=e.valid_until)

    @on(Candidacy.Superseded)
    def superseded(self, rows: Rows, e: Candidacy.Superseded, position: int) -> None:
        reason = f"superseded by scheme {e.by_scheme_id}"
        self._notice(rows, e, position, NoticeKind.SUPERSESSION, reason=reason)

    @on(Candidacy.Withdrawn)
    def withdrawn(self, rows: Rows, e: Candidacy.Withdrawn, position: int) -> None:
        self._notice(rows, e, position, NoticeKind.WITHDRAWAL, reason=e.reason)

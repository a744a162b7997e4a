"""When a title joined its list and how it left it, from the candidacies' periods.

A title is on the leaders list from its award until it is revoked, expires, is superseded by
a later cycle's list or ends with its standard's withdrawal, whichever comes first. In
`status_history` that is a candidacy period `awarded` that follows one that was not (it
joined), or a period with one of those endings that follows an `awarded` one (it left: a
title that had already left is not taken off again by a later revocation). Each is joined
to the period before it (ended where it began) and to the public event that began it, for
the revocation's or withdrawal's reason and the superseding scheme.

A title whose validity had passed before the event that ended it (the sweeper records an
expiry after the fact; a lapsed title can still be revoked) left by expiry, at the end of
its validity: as the leaders list, which drops it then, saw it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, or_, select

from projections.category_names import named
from projections.queries import UNSHOWN, iso
from projections.tables import candidacies, events, status_history

AWARDED = "awarded"
ENDINGS = ("revoked", "expired", "superseded", "withdrawn")
KIND = "candidacy"

after = status_history.alias("after")  # the period that the change began
before = status_history.alias("before")  # the period it ended
c = candidacies.c


def changes_select(*, joined: bool = True, left: bool = True) -> Select[Any]:
    """The changes (one row each) that put titles on their list (`joined`) or took them off
    (`left`), each with its title's current candidacy row and category name. Its columns
    beside the candidacy's: `change` (the new status), `change_at`, `change_position`,
    `held_until` (the validity before it) and `change_data` (the event's data)."""
    kinds = []
    if joined:
        kinds.append(and_(after.c.status == AWARDED, before.c.status != AWARDED))
    if left:
        kinds.append(and_(after.c.status.in_(ENDINGS), before.c.status == AWARDED))
    listed = [column for column in candidacies.c if column.name not in UNSHOWN]
    source = (
        after.join(
            before,
            and_(
                before.c.record_id == after.c.record_id,
                before.c.ended_position == after.c.began_position,
            ),
        )
        .join(candidacies, c.id == after.c.record_id)
        .outerjoin(events, events.c.position == after.c.began_position)
    )
    query = (
        select(
            *listed,
            after.c.status.label("change"),
            after.c.began_at.label("change_at"),
            after.c.began_position.label("change_position"),
            before.c.valid_until.label("held_until"),
            events.c.data.label("change_data"),
        )
        .select_from(source)
        .where(after.c.kind == KIND, or_(*kinds))
    )
    return named(query, c.category)


def departure(row: Any) -> dict[str, Any]:
    """A change row's `why` (`awarded` for a title that joined, else how it left), when
    (`at`), and the `reason` (a revocation's, a withdrawal's) or the superseding scheme
    (`by_scheme_id`) where it has one."""
    why, at = str(row.change), row.change_at
    if why in ENDINGS and row.held_until is not None and row.held_until <= at:
        why, at = "expired", row.held_until
    data = row.change_data if isinstance(row.change_data, dict) else {}
    reason = None
    if why in ("revoked", "withdrawn"):
        # The event's, or (the history read model not there yet) the candidacy's own.
        reason = data.get("reason") or (row.end_reason if row.status == why else None)
    by_scheme = data.get("by_scheme_id") if why == "superseded" else None
    return {"why": why, "at": iso(at), "reason": reason, "by_scheme_id": by_scheme}

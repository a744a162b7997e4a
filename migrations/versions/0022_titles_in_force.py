"""titles in force from an index alone: `ix_candidacies_in_force` replaces the index on
`valid_until`

"Which titles are in force now" (`queries.held_at`: awarded, not expired, not ended) is
asked by every leaders list and by the enterprises list filtered by `has_title_in_force`.
An index on `valid_until` alone found the rows, then read each from the table to check
`awarded_at` and `ended_at`. Measured on PostgreSQL with 1,066,666 enterprises and
340,000 candidacies (8,500 titles in force): finding the titles in force read 22,637
table pages in 152 ms; from this index alone (no table read) it takes 3 to 6 ms, and a
province's enterprises holding a title went from about 200 ms to 37-59 ms (the count) and
9 ms (a page). Leading with `valid_until`, the index serves every query the old one did.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

IN_FORCE = ["valid_until", "awarded_at", "ended_at", "credit_code"]


def upgrade() -> None:
    op.create_index("ix_candidacies_in_force", "candidacies", IN_FORCE, unique=False)
    op.drop_index("ix_candidacies_valid_until", table_name="candidacies")


def downgrade() -> None:
    op.create_index("ix_candidacies_valid_until", "candidacies", ["valid_until"], unique=False)
    op.drop_index("ix_candidacies_in_force", table_name="candidacies")

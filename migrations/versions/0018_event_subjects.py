"""event subjects: the category, evaluation body and scheme each public event concerns

`events` and `subjects` gain `category`, `body_id` and `scheme_id` (indexed with the position,
as `credit_code` and `candidacy_id` are), which the event filters of the feed and the stream
read. The `history` projection fills them: its rows are emptied and its position set back to 0,
so the follower projects the whole log again (`leader-registry rebuild history` does the same in
shadow tables while reads go on).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = (("category", 32), ("body_id", 36), ("scheme_id", 36))
INDEXES = (
    ("ix_events_category", "category"),
    ("ix_events_body", "body_id"),
    ("ix_events_scheme", "scheme_id"),
)


def upgrade() -> None:
    for table in ("events", "subjects"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, width in COLUMNS:
                batch_op.add_column(sa.Column(name, sa.String(length=width), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        for index, column in INDEXES:
            batch_op.create_index(index, [column, "position"], unique=False)
    _project_again()


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        for index, _ in INDEXES:
            batch_op.drop_index(index)
    for table in ("events", "subjects"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in COLUMNS:
                batch_op.drop_column(name)


def _project_again() -> None:
    """Empty the history; the follower projects it again with the new columns filled."""
    op.execute(sa.text("DELETE FROM events"))
    op.execute(sa.text("DELETE FROM subjects"))
    op.execute(sa.text("UPDATE tracking SET position = 0 WHERE projection = 'history'"))

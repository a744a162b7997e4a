"""read indexes and position notifications: current leaders by validity; NOTIFY on tracking

`ix_candidacies_current` (category, valid_until) and `ix_candidacies_valid_until` serve the
current leaders as a range over the titles not yet past their validity, which does not grow
with the years of expired titles.

On PostgreSQL, a statement trigger on `tracking` notifies channel `leader_registry_read`
with "SCHEMA:POSITION" (the lowest tracked position) when a batch commits, so that API
processes know the read models' position without asking (see `projections.running.read_side`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 03:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION notify_read_position() RETURNS trigger AS $$
DECLARE
    lowest bigint;
BEGIN
    EXECUTE format('SELECT coalesce(min(position), 0) FROM %I.tracking', TG_TABLE_SCHEMA)
        INTO lowest;
    PERFORM pg_notify('leader_registry_read', TG_TABLE_SCHEMA || ':' || lowest);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.create_index("ix_candidacies_current", ["category", "valid_until"], unique=False)
        batch_op.create_index("ix_candidacies_valid_until", ["valid_until"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        op.execute(
            "CREATE TRIGGER tracking_notify AFTER INSERT OR UPDATE OR DELETE ON tracking "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_read_position()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tracking_notify ON tracking")
        op.execute("DROP FUNCTION IF EXISTS notify_read_position()")
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.drop_index("ix_candidacies_valid_until")
        batch_op.drop_index("ix_candidacies_current")

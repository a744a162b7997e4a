"""projection halts: where a projection stopped, on which event and why

A projection that cannot apply an event stops there alone (see `projections.halts`); the
columns on `tracking` say so to every process. On PostgreSQL the position notification
then names the lowest position of the projections still running, and the halted ones:
"SCHEMA:POSITION" or "SCHEMA:POSITION:NAME,NAME".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 11:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION notify_read_position() RETURNS trigger AS $$
DECLARE
    lowest bigint;
    halted text;
BEGIN
    EXECUTE format(
        'SELECT coalesce(min(position) FILTER (WHERE halted_at IS NULL), min(position), 0), '
        'string_agg(projection, '','' ORDER BY projection) FILTER (WHERE halted_at IS NOT NULL) '
        'FROM %I.tracking', TG_TABLE_SCHEMA)
        INTO lowest, halted;
    PERFORM pg_notify(
        'leader_registry_read',
        TG_TABLE_SCHEMA || ':' || lowest || coalesce(':' || halted, '')
    );
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

OLD_NOTIFY_FUNCTION = """
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
    with op.batch_alter_table("tracking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("halted_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("halted_event", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("halted_error", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("halted_since", projections.tables.UTCDateTime(), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(OLD_NOTIFY_FUNCTION)
    with op.batch_alter_table("tracking", schema=None) as batch_op:
        batch_op.drop_column("halted_since")
        batch_op.drop_column("halted_error")
        batch_op.drop_column("halted_event")
        batch_op.drop_column("halted_at")

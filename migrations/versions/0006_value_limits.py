"""value limits: every text people write, or the registry derives from it, is Text

Names, titles, standard numbers, product names and models, actors' subjects and ranking
scores were VARCHAR(n) of guessed widths; PostgreSQL refused values the API accepted (a
standard number over 100 characters, a score over 40 digits) and the projection stopped
there. Their limits are now `domain.limits`, checked before anything is recorded, and the
columns hold whatever passes them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 11:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# table -> (column, its former width, nullable)
WIDENED: dict[str, tuple[tuple[str, int, bool], ...]] = {
    "events": (("actor_subject", 200, False),),
    "bodies": (("name", 200, False),),
    "declarations": (
        ("enterprise_name", 200, False),
        ("standard_number", 100, False),
        ("title", 200, False),
        ("product_name", 200, False),
        ("product_model", 200, False),
    ),
    "schemes": (("title", 200, False),),
    "candidacies": (
        ("enterprise_name", 200, False),
        ("standard_number", 100, False),
        ("product_name", 200, False),
        ("product_model", 200, False),
        ("score", 40, True),
        ("ended_by_subject", 200, True),
    ),
    "complaints": (("filed_by_subject", 200, False), ("decided_by_subject", 200, True)),
}


def upgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, width, nullable in columns:
                batch_op.alter_column(
                    name,
                    existing_type=sa.String(length=width),
                    type_=sa.Text(),
                    existing_nullable=nullable,
                )


def downgrade() -> None:
    # Values longer than the former widths would not fit: cut them, as the old columns would
    # have had to. (SQLite keeps them whole; it does not enforce widths.)
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, width, nullable in columns:
                batch_op.alter_column(
                    name,
                    existing_type=sa.Text(),
                    type_=sa.String(length=width),
                    existing_nullable=nullable,
                    postgresql_using=f"left({name}, {width})",
                )

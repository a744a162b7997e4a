"""enterprises: one row per credit code and its names over time; a ranking's page index

`enterprises` and `enterprise_names` are filled by the `enterprises` projection from the
`Declaration.Declared` events (a new projection starts at position 0, so the follower
replays the log into them). `ix_candidacies_ranking` (scheme_id, rank, credit_code, id)
serves a ranking's pages as a range of one scheme, in rank order; `schemes.ranked_count` and
`qualified_count` (from `Scheme.RankingPublished`) give its counts without counting entries
(NULL for rankings published before: the page then counts them).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import projections.tables

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = projections.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("declarations", sa.Integer(), nullable=False),
        sa.Column("first_declared_at", TS(), nullable=False),
        sa.Column("last_declared_at", TS(), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("credit_code"),
    )
    op.create_index("ix_enterprises_region", "enterprises", ["region", "credit_code"])
    op.create_table(
        "enterprise_names",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("declared_at", TS(), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_index(
        "ix_enterprise_names_credit_code", "enterprise_names", ["credit_code", "position"]
    )
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ranked_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qualified_count", sa.Integer(), nullable=True))
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidacies_ranking", ["scheme_id", "rank", "credit_code", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.drop_index("ix_candidacies_ranking")
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.drop_column("qualified_count")
        batch_op.drop_column("ranked_count")
    op.drop_index("ix_enterprise_names_credit_code", table_name="enterprise_names")
    op.drop_table("enterprise_names")
    op.drop_index("ix_enterprises_region", table_name="enterprises")
    op.drop_table("enterprises")

"""webhooks: subscriptions (a private read model), the dispatcher's cursors and delivery log,
and the subscriptions' signing secrets

`subscriptions` is projected from Subscription events (the `subscriptions` projection starts
at position 0). `webhook_cursors` (each subscription's last delivered position, changed in
the same transaction as its `webhook_deliveries` row), `webhook_deliveries` and
`webhook_secrets` (written by the registry before a subscription's events) are not read
models: nothing rebuilds them.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TS = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=False),
        sa.Column("start_after", sa.BigInteger(), nullable=False),
        sa.Column("replay_after", sa.BigInteger(), nullable=True),
        sa.Column("replay_version", sa.Integer(), nullable=False),
        sa.Column("resumed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_subscriptions_owner", "subscriptions", ["owner", "created_at"])
    op.create_table(
        "webhook_cursors",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("replay_version", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failing_since", TS, nullable=True),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("subscription_id"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("webhook_id", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("attempted_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_deliveries_subscription", "webhook_deliveries", ["subscription_id", "id"]
    )
    op.create_table(
        "webhook_secrets",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id"),
    )
    op.create_index("ix_webhook_secrets_owner", "webhook_secrets", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_webhook_secrets_owner", table_name="webhook_secrets")
    op.drop_table("webhook_secrets")
    op.drop_index("ix_webhook_deliveries_subscription", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_cursors")
    op.drop_index("ix_subscriptions_owner", table_name="subscriptions")
    op.drop_table("subscriptions")

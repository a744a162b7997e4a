"""Webhook secrets: each subscription's signing secret, kept beside the log, never in it.

A subscription's secret (`whsec_` + base64 of 32 random bytes, the Standard Webhooks form)
is made when it is registered and shown once, in the answer. The dispatcher needs it to
sign, so it is kept here, in the `webhook_secrets` table beside the read models (like the
report vault's keys: not a read model, nothing rebuilds it, no public read touches it).
The table also names each subscription's owner, so that the registry can count a
subscriber's subscriptions when it registers one (`MAX_SUBSCRIPTIONS`).
"""

from __future__ import annotations

import base64
import secrets
from typing import Protocol

from sqlalchemy import Column, Index, MetaData, String, Table, Text, func, select, update
from sqlalchemy.engine import Engine

metadata = MetaData()
SECRET_PREFIX = "whsec_"

webhook_secrets = Table(
    "webhook_secrets",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("owner", Text, nullable=False),
    Column("secret", Text, nullable=True),  # NULL once the subscription is deleted
    Index("ix_webhook_secrets_owner", "owner"),
)


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


class SecretStore(Protocol):
    """Where subscriptions' secrets are kept and counted."""

    def store(self, subscription_id: str, owner: str, secret: str) -> None: ...

    def secret(self, subscription_id: str) -> str | None: ...

    def count(self, owner: str) -> int: ...

    def forget(self, subscription_id: str) -> None: ...

    def discard(self, subscription_id: str) -> None: ...


class MemorySecrets:
    """The secrets of an in-memory registry (tests, the demo without a database)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str | None]] = {}

    def store(self, subscription_id: str, owner: str, secret: str) -> None:
        self.rows[subscription_id] = (owner, secret)

    def secret(self, subscription_id: str) -> str | None:
        return self.rows.get(subscription_id, ("", None))[1]

    def count(self, owner: str) -> int:
        return sum(1 for o, s in self.rows.values() if o == owner and s is not None)

    def forget(self, subscription_id: str) -> None:
        if subscription_id in self.rows:
            self.rows[subscription_id] = (self.rows[subscription_id][0], None)

    def discard(self, subscription_id: str) -> None:
        self.rows.pop(subscription_id, None)


class SqlSecrets:
    """The secrets in the read-model database (their own table, both stores)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def store(self, subscription_id: str, owner: str, secret: str) -> None:
        """Keep a new subscription's secret, or replace it (a rotation)."""
        t = webhook_secrets
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t).where(t.c.subscription_id == subscription_id).values(secret=secret)
            )
            if not done.rowcount:
                conn.execute(
                    t.insert().values(subscription_id=subscription_id, owner=owner, secret=secret)
                )

    def secret(self, subscription_id: str) -> str | None:
        t = webhook_secrets
        with self.engine.connect() as conn:
            query = select(t.c.secret).where(t.c.subscription_id == subscription_id)
            found: str | None = conn.execute(query).scalar_one_or_none()
        return found

    def count(self, owner: str) -> int:
        t = webhook_secrets
        with self.engine.connect() as conn:
            query = select(func.count()).where(t.c.owner == owner, t.c.secret.is_not(None))
            return int(conn.execute(query).scalar_one())

    def forget(self, subscription_id: str) -> None:
        """Destroy a deleted subscription's secret (its row stays, without it)."""
        t = webhook_secrets
        with self.engine.begin() as conn:
            conn.execute(
                update(t).where(t.c.subscription_id == subscription_id).values(secret=None)
            )

    def discard(self, subscription_id: str) -> None:
        """Forget the secret of a subscription whose events were never recorded."""
        t = webhook_secrets
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.subscription_id == subscription_id))

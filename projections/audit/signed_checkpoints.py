"""Signing checkpoints of the audit tree and keeping the published signing keys."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from domain import merkle
from domain.errors import Conflict
from projections.audit.leaves import LEAF_VERSION
from projections.audit.tree import evaluate, tree_size
from projections.tables import audit_checkpoints, audit_keys
from registry.signed_notes import Checkpoint, Signer, Verifier, b64, sign_note

log = logging.getLogger(__name__)


def register_key(conn: Connection, verifier: Verifier, now: datetime) -> bool:
    """Publish a public key as the current one (the others retire); False if known already.

    A retired key vouches only for trees up to the size the tree had when it retired (or
    the largest it signed, if larger): a checkpoint it signs for a larger tree is forged."""
    known = conn.scalar(select(audit_keys.c.key_id).where(audit_keys.c.key_id == verifier.key_id))
    if known is not None:
        return False
    # Locked first: a checkpoint the current key is signing now commits before we read the
    # sizes it signed, or sees the key retired (sign_at locks the same row).
    current = select(audit_keys.c.key_id).where(audit_keys.c.retired_at.is_(None))
    current_keys = conn.scalars(current.with_for_update()).all()
    size = tree_size(conn)
    for key_id in current_keys:
        signed = conn.scalar(
            select(func.max(audit_checkpoints.c.tree_size)).where(
                audit_checkpoints.c.key_id == key_id
            )
        )
        conn.execute(
            update(audit_keys)
            .where(audit_keys.c.key_id == key_id)
            .values(retired_at=now, retired_tree_size=max(size, signed or 0))
        )
    conn.execute(
        insert(audit_keys).values(
            key_id=verifier.key_id,
            name=verifier.name,
            public_key=verifier.public_key,
            created_at=now,
            retired_at=None,
        )
    )
    return True


def checkpoint_record(row: Any) -> dict[str, Any]:
    """A stored checkpoint as the API shows it."""
    return {
        "tree_size": int(row.tree_size),
        "root_hash": b64(bytes(row.root_hash)),
        "key_id": row.key_id,
        "origin": row.note.split("\n", 1)[0],
        "created_at": row.created_at.isoformat(),
        "note": row.note,
        "leaf_version": int(row.leaf_version),
    }


def key_record(row: Any) -> dict[str, Any]:
    """A published key as the API shows it (never anything private)."""
    verifier = Verifier(row.name, bytes(row.public_key))
    return {
        "key_id": row.key_id,
        "name": row.name,
        "algorithm": "Ed25519",
        "public_key": b64(verifier.public_key),
        "vkey": verifier.vkey,
        "created_at": row.created_at.isoformat(),
        "retired_at": row.retired_at.isoformat() if row.retired_at else None,
        "retired_tree_size": retired_size(row),
        "status": "retired" if row.retired_at else "current",
    }


def retired_size(row: Any) -> int | None:
    """The largest tree a stored key vouches for: None while current, 0 if never recorded."""
    if row.retired_at is None:
        return None
    return int(row.retired_tree_size or 0)


def stored_verifier(row: Any) -> Verifier:
    """A stored key as a verifier, with its retirement's limit."""
    return Verifier(row.name, bytes(row.public_key), retired_size(row))


def sign_at(
    conn: Connection, signer: Signer, size: int, now: datetime, *, store: bool = True
) -> dict[str, Any]:
    """The checkpoint of the first `size` leaves signed by `signer`: the stored one, else
    signed now and stored (published), or with `store=False` only handed back."""
    verifier = signer.verifier
    if not register_key(conn, verifier, now):
        retired = conn.scalar(
            select(audit_keys.c.retired_at)
            .where(audit_keys.c.key_id == verifier.key_id)
            .with_for_update(read=True)  # signers share it; a rotation waits for them
        )
        if retired is not None:  # `audit keys rotate` replaced it: it must sign no more
            raise RetiredSigningKey(
                f"signing key {verifier.key_id} was retired on {retired.isoformat()}; "
                "restart the server with the current key"
            )
    c = audit_checkpoints.c
    mine = (c.tree_size == size, c.key_id == verifier.key_id, c.leaf_version == LEAF_VERSION)
    existing = conn.execute(select(audit_checkpoints).where(*mine)).first()
    if existing is not None:
        return checkpoint_record(existing)
    root = evaluate(conn, lambda lookup: merkle.root(lookup, size))
    note = sign_note(Checkpoint(signer.name, size, root).body, signer)
    values = dict(
        tree_size=size, root_hash=root, key_id=verifier.key_id, note=note, leaf_version=LEAF_VERSION
    )
    if not store:
        return checkpoint_record(SimpleNamespace(created_at=now, **values))
    conn.execute(insert(audit_checkpoints).values(created_at=now, **values))
    return checkpoint_record(conn.execute(select(audit_checkpoints).where(*mine)).one())


def sign_now(
    engine: Engine, signer: Signer, now: datetime, size: int | None = None, *, store: bool = True
) -> dict[str, Any]:
    """Sign the tree of `size` leaves, or as the audit projection has it now (once a size)."""
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                at = tree_size(conn) if size is None else size
                return sign_at(conn, signer, at, now, store=store)
        except IntegrityError:  # another process signed the same size at the same time
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class NoSigningKey(Conflict):
    """No checkpoint signing key is configured (REGISTRY_AUDIT_SIGNING_KEY)."""


class RetiredSigningKey(Conflict):
    """The configured signing key was retired by a rotation; the server needs the new one."""


class Checkpointer:
    """Signs a checkpoint when asked, or when due (every `interval` seconds, if it grew)."""

    def __init__(self, engine: Engine, signer: Signer | None, interval: float) -> None:
        self.engine, self.signer, self.interval = engine, signer, interval
        self._next = time.monotonic()  # the first is due at once (it signs only growth)

    def sign(self, now: datetime, size: int | None = None) -> dict[str, Any]:
        """The checkpoint of `size` leaves (default: the tree as it is), made if need be."""
        if self.signer is None:
            raise NoSigningKey("no checkpoint signing key is configured")
        return sign_now(self.engine, self.signer, now, size)

    def when_due(self, now: datetime) -> None:
        """Sign if the interval has passed (and a key and an interval are configured)."""
        if self.signer is None or self.interval <= 0 or time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.interval
        try:
            self.sign(now)
        except SQLAlchemyError:  # the next interval tries again
            log.exception("signing a checkpoint failed")
        except RetiredSigningKey as error:
            log.error("no checkpoint signed: %s", error)

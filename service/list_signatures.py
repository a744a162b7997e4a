"""Signed lists, each version signed once: the latest signature per scheme, list and format.

A list's version is its exact content bytes under one signing key. While a list reads the
same, every request answers the statement and checkpoint signed when that content was first
read (same bytes, same `taken-at`); once it changes, the new content is signed at its own
moment. A list that changes back is signed again, so a statement never claims an old moment
for content that changed in between. Each API process keeps its own signatures.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.audit import signed_lists
from projections.audit.signed_checkpoints import NoSigningKey, sign_now
from projections.running.read_side import ReadSide
from registry.signed_notes import Signer, b64

# Schemes x 2 lists x 2 formats; the least recently asked are dropped beyond this.
MAX_LISTS = 4096


@dataclass(frozen=True)
class Signature:
    """What was signed about one version of a list (kept; the content is read again)."""

    key_id: str
    content_sha256: str  # standard base64, as in the statement
    log_position: int
    checkpoint: dict[str, Any]
    statement: str


@dataclass(frozen=True)
class SignedList:
    """One version of a list: its bytes and their signature."""

    scheme_id: str
    kind: str
    fmt: str
    content: bytes
    signature: Signature

    @property
    def media_type(self) -> str:
        return signed_lists.MEDIA_TYPES[self.fmt]

    def envelope(self) -> dict[str, Any]:
        """The JSON answer: the content as text beside its checkpoint and statement."""
        return {
            "scheme_id": self.scheme_id,
            "list": self.kind,
            "media_type": self.media_type,
            "content": self.content.decode("utf-8"),
            "content_sha256": self.signature.content_sha256,
            "log_position": self.signature.log_position,
            "checkpoint": self.signature.checkpoint,
            "statement": self.signature.statement,
        }


class ListSignatures:
    """The signature of the latest version of each (scheme, list, format) this process
    served; signatures only, so memory stays small (about 1 kB a list)."""

    def __init__(self, max_lists: int = MAX_LISTS) -> None:
        self.max_lists = max_lists
        self._latest: OrderedDict[tuple[str, str, str], Signature] = OrderedDict()
        self._signing = asyncio.Lock()  # so that concurrent first readers sign once

    def _current(self, key: tuple[str, str, str], digest: str, key_id: str) -> Signature | None:
        found = self._latest.get(key)
        if found is None or found.content_sha256 != digest or found.key_id != key_id:
            return None
        self._latest.move_to_end(key)
        return found

    async def get(
        self,
        conn: AsyncConnection,
        read_side: ReadSide,
        scheme_id: str,
        kind: str,
        fmt: str,
        now: datetime,
    ) -> SignedList:
        """The list as it reads now, with the signature of that version (made if new)."""
        signer = read_side.checkpoints.signer
        if signer is None:
            raise NoSigningKey("no checkpoint signing key is configured")
        content, position, size = await signed_lists.read_list(conn, scheme_id, kind, fmt, now)
        digest = b64(hashlib.sha256(content).digest())
        key, key_id = (scheme_id, kind, fmt), signer.verifier.key_id
        signature = self._current(key, digest, key_id)
        if signature is None:
            async with self._signing:
                signature = self._current(key, digest, key_id)
                if signature is None:
                    signature = await _sign(read_side, signer, key, content, position, size, now)
                    self._latest[key] = signature
                    while len(self._latest) > self.max_lists:
                        self._latest.popitem(last=False)
        return SignedList(scheme_id, kind, fmt, content, signature)


async def _sign(
    read_side: ReadSide,
    signer: Signer,
    key: tuple[str, str, str],
    content: bytes,
    position: int,
    size: int,
    now: datetime,
) -> Signature:
    # A public read publishes nothing: a checkpoint not yet stored is signed for this
    # answer only (administrators and the interval publish checkpoints).
    checkpoint = await run_in_threadpool(
        partial(sign_now, read_side.writer, signer, now, size, store=False)
    )
    scheme_id, kind, fmt = key
    at = {"position": position, "taken_at": now, "checkpoint": checkpoint}
    return Signature(
        key_id=signer.verifier.key_id,
        content_sha256=b64(hashlib.sha256(content).digest()),
        log_position=position,
        checkpoint=checkpoint,
        statement=signed_lists.statement(signer, scheme_id, kind, fmt, content, at),
    )

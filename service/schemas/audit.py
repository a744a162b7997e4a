"""Response models of the audit log: checkpoints, keys, proofs (hashes in standard base64)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CheckpointOut(BaseModel):
    """A signed checkpoint: `note` is the C2SP signed note (docs/audit.md)."""

    tree_size: int
    root_hash: str = Field(description="MTH of the first tree_size leaves, base64.")
    key_id: str = Field(description="The signing key's hash, 8 hex digits.")
    origin: str
    created_at: str
    note: str
    leaf_version: int = Field(
        description="The leaf format of the tree it signs (docs/audit.md); verifiers compare "
        "an export only with checkpoints of the export's format."
    )


class CheckpointPage(BaseModel):
    items: list[CheckpointOut]
    tree_size: int = Field(
        description="The tree's size now (it may be ahead of the last checkpoint)."
    )


class KeyOut(BaseModel):
    """A published checkpoint signing key; retired keys stay, so old checkpoints verify."""

    key_id: str
    name: str
    algorithm: Literal["Ed25519"]
    public_key: str = Field(description="The raw 32-byte Ed25519 public key, base64.")
    vkey: str = Field(description="The key as a C2SP note verifier key: NAME+HASH+BASE64.")
    created_at: str
    retired_at: str | None
    retired_tree_size: int | None = Field(
        description="A retired key vouches only for checkpoints of at most this many leaves."
    )
    status: Literal["current", "retired"]


class InclusionProofOut(BaseModel):
    """RFC 9162 inclusion proof (PATH, leaf side first) of one event."""

    position: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str]


class ConsistencyProofOut(BaseModel):
    """RFC 9162 consistency proof (PROOF) between two tree sizes."""

    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class SignedListOut(BaseModel):
    """A list's exact bytes (`content`), the checkpoint it was read at, and `statement`: a
    signed note naming the scheme, list, media type, time, position, tree and content hash."""

    scheme_id: str
    list: Literal["leaders", "ranking"]
    media_type: str
    content: str
    content_sha256: str
    log_position: int
    checkpoint: CheckpointOut
    statement: str

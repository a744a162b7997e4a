"""Where offline verification gets checkpoints, keys and proofs: files, or the API over HTTP."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from domain import merkle
from domain.errors import InvalidInput
from registry.signed_notes import Verifier


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class SourceUnusable(InvalidInput):
    """A source of checkpoints, keys or proofs cannot be read (a file, or the API)."""


def get(base: str, path: str, **query: int) -> bytes:
    """GET a document from the API at `base`; SourceUnusable if that fails."""
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        raise SourceUnusable(f"{url} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SourceUnusable(f"cannot read {url}: {getattr(error, 'reason', error)}") from None


def fetch(base: str, path: str, **query: int) -> Any:
    """GET a JSON document from the API at `base`."""
    try:
        return json.loads(get(base, path, **query))
    except ValueError:
        raise SourceUnusable(f"{base}{path} did not answer JSON") from None


def read_text(source: str) -> str:
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceUnusable(f"cannot read {source}: {error}") from None


def load_checkpoints(source: str) -> list[dict[str, Any]]:
    """Checkpoints as GET /v1/audit/checkpoints lists them (every page), or a file of it."""
    if not is_url(source):
        try:
            data = json.loads(read_text(source))
            items: list[dict[str, Any]] = data["items"] if isinstance(data, dict) else data
        except (ValueError, KeyError) as error:
            raise SourceUnusable(f"{source} is not a list of checkpoints ({error})") from None
        return items
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        page = fetch(source, "/v1/audit/checkpoints", after=after, limit=1000)
        if not page["items"]:
            return found
        found.extend(page["items"])
        after = page["items"][-1]["tree_size"]


def published_key(record: dict[str, Any]) -> Verifier:
    """A key as GET /v1/audit/keys lists it: a retired one vouches only for the trees up to
    its `retired_tree_size` (0 if a retired key does not say)."""
    key = Verifier.from_vkey(record["vkey"])
    if record.get("status", "current") == "current":
        return key
    return Verifier(key.name, key.public_key, int(record.get("retired_tree_size") or 0))


def load_keys(source: str) -> list[Verifier]:
    """Public keys: GET /v1/audit/keys, a file of it, or a file of vkeys, one per line (keys
    given that way are trusted for every tree size)."""
    if is_url(source):
        return [published_key(k) for k in fetch(source, "/v1/audit/keys")]
    text = read_text(source)
    try:
        data = json.loads(text)
    except ValueError:
        return [Verifier.from_vkey(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict) and "items" in data:
        raise InvalidInput(f"{source} holds checkpoints, not keys: pass --keys", field="keys")
    try:
        return [published_key(k) for k in data]
    except (KeyError, TypeError, ValueError) as error:
        raise SourceUnusable(f"{source} is not a list of keys ({error!r})") from None


class ApiLog:
    """Proofs and leaves from the API (projections.audit.verify_export.LogSource)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def consistency(self, first: int, second: int) -> list[bytes]:
        found = fetch(self.base, "/v1/audit/proofs/consistency", first=first, second=second)
        return [base64.b64decode(h) for h in found["proof"]]

    def next_leaf(self, after: int, size: int) -> tuple[int, bytes, int, list[bytes]] | None:
        line = get(self.base, "/v1/audit/export", after=after, limit=1).split(b"\n")[0]
        if not line:
            return None
        position = json.loads(line)["position"]
        try:
            proof = fetch(
                self.base, "/v1/audit/proofs/inclusion", position=position, tree_size=size
            )
        except SourceUnusable:  # not in that tree: the caller names no position
            return None
        path = [base64.b64decode(h) for h in proof["audit_path"]]
        return position, merkle.leaf_hash(line), int(proof["leaf_index"]), path


def log_source(source: str) -> ApiLog | None:
    """The log to ask for proofs, when the checkpoints came from its API."""
    return ApiLog(source) if is_url(source) else None

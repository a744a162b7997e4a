"""Where offline verification gets checkpoints, keys and proofs: files, or the API over HTTP."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput
from domain.notes import Verifier


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(base: str, path: str, **query: int) -> Any:
    """GET a JSON document from the API at `base`."""
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def load_checkpoints(source: str) -> list[str]:
    """Signed checkpoint notes: from GET /v1/audit/checkpoints (every page), or a file of it."""
    if not is_url(source):
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        items = data["items"] if isinstance(data, dict) else data
        return [item["note"] for item in items]
    notes: list[str] = []
    after = 0
    while True:
        page = fetch(source, "/v1/audit/checkpoints", after=after, limit=1000)
        if not page["items"]:
            return notes
        notes.extend(item["note"] for item in page["items"])
        after = page["items"][-1]["tree_size"]


def load_keys(source: str) -> list[Verifier]:
    """Public keys: GET /v1/audit/keys, a file of it, or a file of vkeys, one per line."""
    if is_url(source):
        return [Verifier.from_vkey(k["vkey"]) for k in fetch(source, "/v1/audit/keys")]
    text = Path(source).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        return [Verifier.from_vkey(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict) and "items" in data:
        raise InvalidInput(f"{source} holds checkpoints, not keys: pass --keys", field="keys")
    return [Verifier.from_vkey(k["vkey"]) for k in data]


def proof_source(source: str) -> Callable[[int, int], list[bytes]] | None:
    """Consistency proofs from the API, when the checkpoints came from it."""
    if not is_url(source):
        return None

    def proof(first: int, second: int) -> list[bytes]:
        found = fetch(source, "/v1/audit/proofs/consistency", first=first, second=second)
        return [base64.b64decode(h) for h in found["proof"]]

    return proof

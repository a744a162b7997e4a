"""Tampering with an export is detected offline and names the position, and a public
event cannot be passed off as a private one."""

from __future__ import annotations

import base64
import json
from functools import partial

import pytest
from sqlalchemy import Engine, select

from domain import merkle
from projections.audit.export import export_line, log_events
from projections.audit.leaves import canonical_json, leaf_of, private_header
from projections.audit.tree import evaluate
from projections.audit.verify_export import verify_export
from projections.tables import audit_checkpoints, audit_leaves
from registry.application import LeaderRegistry
from registry.signed_notes import Signer
from tests.integration.tampering import SIGNER


def _modify(lines: list[bytes], how: str, i: int) -> list[bytes]:
    lines = list(lines)
    if how == "change":
        lines[i] = lines[i].replace(b'"timestamp":"20', b'"timestamp":"19')
    elif how == "delete":
        del lines[i]
    elif how == "reorder":
        lines[i], lines[i + 3] = lines[i + 3], lines[i]
    else:
        lines.insert(i, lines[i + 5])
    return lines


class StoreLog:
    """The log's answers (LogSource) straight from the store, as the API gives them."""

    def __init__(self, registry: LeaderRegistry, engine: Engine) -> None:
        self.registry, self.engine = registry, engine

    def consistency(self, first: int, second: int) -> list[bytes]:
        with self.engine.connect() as conn:
            return evaluate(conn, partial(merkle.consistency_proof, first=first, second=second))

    def next_leaf(self, after: int, size: int) -> tuple[int, bytes, int, list[bytes]] | None:
        position, event = next(log_events(self.registry, after=after))
        with self.engine.connect() as conn:
            query = select(audit_leaves.c.leaf_index).where(audit_leaves.c.position == position)
            index = int(conn.execute(query).scalar_one())
            path = evaluate(conn, partial(merkle.inclusion_path, index=index, size=size))
        return position, merkle.leaf_hash(export_line(event, position)), index, path


def _export(registry: LeaderRegistry) -> list[bytes]:
    return [export_line(e, p) for p, e in log_events(registry)]


@pytest.mark.parametrize("how", ["change", "delete", "reorder", "insert"])
def test_a_modified_export_fails_offline_and_names_the_first_position_that_differs(
    signed_world: tuple[LeaderRegistry, Engine], how: str
) -> None:
    registry, engine = signed_world
    lines = _export(registry)
    notes = _notes(engine)
    keys = [SIGNER.verifier]
    log = StoreLog(registry, engine)
    assert verify_export(lines, notes, keys, log).ok
    assert verify_export(lines, notes, keys).ok
    modified = _modify(lines, how, 12)
    report = verify_export(modified, notes, keys, log)
    assert not report.ok
    # The signed log's own position at that leaf: for a deleted line, the one deleted.
    assert report.position == json.loads(lines[12])["position"], report.problems
    assert not verify_export(modified, notes, keys).ok  # without proofs: found, not placed
    assert not verify_export(lines, notes, [Signer.generate("other").verifier]).ok


@pytest.mark.parametrize("at", [3, -1])
def test_a_deleted_line_is_named_by_its_position_even_past_the_last_checkpoint(
    signed_world: tuple[LeaderRegistry, Engine], at: int
) -> None:
    """The export is then shorter than the checkpoint: the position named is the deleted
    event's, never one past the end of the log."""
    registry, engine = signed_world
    lines = _export(registry)
    deleted = json.loads(lines[at])["position"]
    del lines[at]
    report = verify_export(lines, _notes(engine), [SIGNER.verifier], StoreLog(registry, engine))
    assert not report.ok
    if at == -1:  # the export just stops early: nothing in it differs
        assert report.position is None
        assert "stops after" in report.problems[0]
    else:
        assert report.position == deleted, report.problems
        assert f"position {deleted}" in report.problems[0]


def _line_of(lines: list[bytes], suffix: str) -> int:
    return next(i for i, line in enumerate(lines) if json.loads(line)["type"].endswith(suffix))


def test_private_events_are_exported_as_their_public_header(
    signed_world: tuple[LeaderRegistry, Engine],
) -> None:
    registry, engine = signed_world
    lines = _export(registry)
    header = json.loads(lines[_line_of(lines, "Credential.Issued")])
    assert header.keys() == {"position", "aggregate_type", "type", "private", "content_sha256"}
    assert header["private"] is True
    assert header["aggregate_type"] == "Credential"
    assert verify_export(lines, _notes(engine), [SIGNER.verifier]).ok


def _hidden(line: bytes, how: str) -> bytes:
    """A public line made to look private."""
    data = json.loads(line)
    if how == "bare leaf hash":  # the leaf format 1 redaction
        leaf = base64.b64encode(merkle.leaf_hash(line)).decode()
        return canonical_json({"leaf_hash": leaf, "position": data["position"]})
    if how == "its own type":
        return canonical_json(private_header(data["position"], data["type"], line))
    return leaf_of({**data, "type": "domain.credential:Credential.Issued"})


@pytest.mark.parametrize("how", ["bare leaf hash", "its own type", "a private type"])
def test_the_export_cannot_hide_a_public_event(
    signed_world: tuple[LeaderRegistry, Engine], how: str
) -> None:
    registry, engine = signed_world
    lines = _export(registry)
    i = _line_of(lines, "Candidacy.Revoked")
    position = json.loads(lines[i])["position"]
    lines[i] = _hidden(lines[i], how)
    report = verify_export(lines, _notes(engine), [SIGNER.verifier], StoreLog(registry, engine))
    assert not report.ok
    assert report.position == position, report.problems
    assert f"position {position}" in report.problems[0]
    offline = verify_export(lines, _notes(engine), [SIGNER.verifier])  # no proofs at hand
    assert not offline.ok
    if how != "a private type":  # refused as a line, before any root is compared
        assert offline.position == position, offline.problems
        assert f"position {position}" in offline.problems[0]


def _notes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(audit_checkpoints.c.note)))

"""Checkpoints as signed notes: they verify with the published key, and with nothing else."""

from __future__ import annotations

import base64

import pytest

from domain.limits import MAX_NAME
from registry.signed_notes import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    open_checkpoint,
    sign_note,
)

ROOT = bytes(range(32))


def test_a_checkpoint_verifies_with_its_key_and_fails_with_another_or_a_changed_root() -> None:
    signer = Signer.generate("registry.test/audit")
    checkpoint = Checkpoint("registry.test/audit", 42, ROOT)
    note = sign_note(checkpoint.body, signer)
    assert note.startswith("registry.test/audit\n42\n" + base64.b64encode(ROOT).decode() + "\n\n")
    published = Verifier.from_vkey(signer.verifier.vkey)
    assert open_checkpoint(note, [published]) == (checkpoint, [published])

    with pytest.raises(NoteError):
        open_checkpoint(note, [Signer.generate("registry.test/audit").verifier])
    with pytest.raises(NoteError):  # a key of the same bytes under another name
        open_checkpoint(note, [Verifier("other.test/audit", published.public_key)])
    changed_root = base64.b64encode(bytes(32)).decode()
    forged = note.replace(base64.b64encode(ROOT).decode(), changed_root)
    with pytest.raises(NoteError):
        open_checkpoint(forged, [published])
    with pytest.raises(NoteError):
        open_checkpoint(note.replace("\n42\n", "\n43\n"), [published])


def test_keys_round_trip_through_their_text_forms() -> None:
    for _ in range(50):  # enough keys for base64 with '+' and '/' in them
        signer = Signer.generate("registry.test/audit")
        assert Signer.from_skey(signer.skey) == signer
        assert Verifier.from_vkey(signer.verifier.vkey) == signer.verifier
        assert signer.skey not in repr(signer)
    vkey = signer.verifier.vkey
    name, _, key = vkey.split("+", 2)
    with pytest.raises(NoteError):
        Verifier.from_vkey(f"{name}+00000000+{key}")
    with pytest.raises(NoteError):
        Signer.from_skey("PRIVATE+KEY+name")
    with pytest.raises(NoteError):
        Signer.generate("has space")


@pytest.mark.parametrize(
    "body", ["x\n", "origin\n-1\nAAAA\n", "origin\n01\n" + "A" * 44 + "\n", "o\n1\nnot base64\n"]
)
def test_malformed_checkpoints_are_refused(body: str) -> None:
    signer = Signer.generate("o")
    with pytest.raises(NoteError):
        open_checkpoint(sign_note(body, signer), [signer.verifier])


def test_a_retired_key_vouches_only_for_trees_up_to_its_retirement() -> None:
    signer = Signer.generate("registry.test/audit")
    retired = Verifier(signer.name, signer.verifier.public_key, retired_tree_size=100)
    for size in (1, 100):
        note = sign_note(Checkpoint(signer.name, size, ROOT).body, signer)
        assert open_checkpoint(note, [retired])[0].size == size
    forged = sign_note(Checkpoint(signer.name, 99_999, ROOT).body, signer)
    with pytest.raises(NoteError, match="retired at a tree of 100 leaves"):
        open_checkpoint(forged, [retired])
    assert open_checkpoint(forged, [signer.verifier])[0].size == 99_999  # a current key


def test_a_key_name_must_fit_the_published_keys_column() -> None:
    """A key name is at most MAX_NAME characters, without control characters."""
    assert Signer.generate("n" * MAX_NAME).name == "n" * MAX_NAME
    for name in ("n" * (MAX_NAME + 1), "log\x07name"):
        with pytest.raises(NoteError, match="key name"):
            Signer.generate(name)

"""The audit commands, `verify` online and offline, and the standalone example, end to end."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from cli.main import main
from projections.machinery.engines import sync_engine
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.signed_notes import Signer
from service.app import create_app
from tests.clock import Clock
from tests.integration.tampering import forge_with_retired_key
from tests.worlds import ENERGY, award_cycle, build_world

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "verify_checkpoint.py"


@pytest.fixture
def configured(sqlite_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with a lifecycle in it, the CLI pointed at it, and a key made by the CLI."""
    monkeypatch.setenv("REGISTRY_DATABASE_URL", sqlite_store.database_url)
    key = tmp_path / "audit.key"
    create = ["audit", "keys", "create", "--name", "registry.test/audit", "--out", str(key)]
    assert main(create) == 0
    assert key.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("REGISTRY_AUDIT_SIGNING_KEY_FILE", str(key))
    clock = Clock()
    registry = LeaderRegistry(env=sqlite_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    registry.close()
    return tmp_path


@pytest.fixture
def server(configured: Path) -> Iterator[str]:
    """The API on a real port, in this process (the example script is a real HTTP client)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(poll_interval=0.05, audit_checkpoint_interval=0))
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    # The tests read the tree the server's projections build: wait until it holds the log.
    registry = LeaderRegistry(env=Settings().event_store_env())
    head = registry.recorder.max_notification_id()
    registry.close()
    caught_up = httpx.get(f"{url}/v1/audit/keys", params={"min_position": head}, timeout=30)
    assert "registry-consistency" not in caught_up.headers
    yield url
    instance.should_exit = True
    thread.join(10)


def test_sign_export_and_verify_online_and_offline(
    server: str, configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify"]) == 0  # consistent, but with nothing signed to hold it to
    assert "no signed checkpoint" in capsys.readouterr().err
    assert main(["audit", "checkpoint"]) == 0
    note = capsys.readouterr().out
    assert note.startswith("registry.test/audit\n") and "\n\n\u2014 registry.test/audit " in note
    assert main(["verify"]) == 0
    verified = capsys.readouterr()
    assert "verified:" in verified.out and "no signed checkpoint" not in verified.err

    export = configured / "log.jsonl"
    assert main(["audit", "export", "--out", str(export)]) == 0
    assert main(["verify", "--export", str(export), "--checkpoints", server]) == 0
    lines = export.read_bytes().splitlines(keepends=True)
    position = json.loads(lines[9])["position"]
    lines[9] = lines[9].replace(b'"timestamp":"20', b'"timestamp":"19')
    export.write_bytes(b"".join(lines))
    capsys.readouterr()
    assert main(["verify", "--export", str(export), "--checkpoints", server]) == 1
    assert f"first position that does not match: {position}" in capsys.readouterr().out

    # A deleted line: named by the deleted event's position, proven through the API.
    lines = export.read_bytes().splitlines(keepends=True)
    lines[9] = lines[9].replace(b'"timestamp":"19', b'"timestamp":"20')
    deleted = json.loads(lines[20])["position"]
    export.write_bytes(b"".join(lines[:20] + lines[21:]))
    capsys.readouterr()
    assert main(["verify", "--export", str(export), "--checkpoints", server]) == 1
    assert f"first position that does not match: {deleted}" in capsys.readouterr().out
    # A public event passed off as private: refused by its position.
    revoked = json.loads(lines[20])
    header = {k: revoked[k] for k in ("position", "type")}
    header |= {"aggregate_type": revoked["type"].split(":")[1].split(".")[0], "private": True}
    header["content_sha256"] = "A" * 43 + "="
    lines[20] = json.dumps(header).encode() + b"\n"
    export.write_bytes(b"".join(lines))
    assert main(["verify", "--export", str(export), "--checkpoints", server]) == 1
    out = capsys.readouterr().out
    assert f"position {deleted}: a public event" in out
    assert f"first position that does not match: {deleted}" in out

    example = [sys.executable, str(EXAMPLE), server, str(position)]
    done = subprocess.run(example, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "signature verified" in done.stdout and "included" in done.stdout
    done = subprocess.run([*example[:-1], "999999"], capture_output=True, text=True, check=False)
    assert done.returncode != 0


def test_verify_names_a_changed_stored_event_and_keys_rotate(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "checkpoint"]) == 0
    store = Settings().event_store_env()["SQLITE_DBNAME"]
    with sqlite3.connect(store) as conn:
        changed = "CAST(replace(CAST(state AS TEXT), '2024', '2023') AS BLOB)"
        conn.execute(f"UPDATE stored_events SET state = {changed} WHERE rowid = 7")
    capsys.readouterr()
    assert main(["verify"]) == 1
    assert "first position that does not match: 7" in capsys.readouterr().out

    existing = configured / "audit.key"
    before = existing.read_text()
    assert main(["audit", "keys", "rotate", "--out", str(existing)]) == 2
    assert "exists" in capsys.readouterr().err
    assert existing.read_text() == before  # and nothing was published:
    assert main(["audit", "keys", "list"]) == 0
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["current"]

    assert main(["audit", "keys", "rotate"]) == 0
    rotated = capsys.readouterr().out
    assert "REGISTRY_AUDIT_SIGNING_KEY=PRIVATE+KEY+registry.test/audit+" in rotated
    assert main(["audit", "keys", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in listed] == ["retired", "current"]
    assert "vouches for trees up to" in listed[0]
    # The configured key was retired: it signs nothing more until the new one is configured.
    assert main(["audit", "checkpoint"]) == 2
    assert "was retired" in capsys.readouterr().err
    assert main(["verify", "--export", os.devnull]) == 2  # --export needs --checkpoints
    capsys.readouterr()
    unusable = {
        "no such export": ["--export", "/no/such.jsonl", "--checkpoints", os.devnull],
        "nothing there": ["--export", os.devnull, "--checkpoints", "http://127.0.0.1:9"],
        "no such file": ["--export", os.devnull, "--checkpoints", "/no/such.json"],
        "not checkpoints": ["--export", os.devnull, "--checkpoints", str(configured / "audit.key")],
    }
    for name, args in unusable.items():
        assert main(["verify", *args]) == 2, name
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and "Traceback" not in err, (name, err)


def test_a_rotated_key_is_written_before_it_is_published(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = configured / "next.key"
    assert main(["audit", "keys", "rotate", "--out", str(new)]) == 0
    assert new.stat().st_mode & 0o777 == 0o600
    written = Signer.from_skey(new.read_text())
    capsys.readouterr()
    assert main(["audit", "keys", "list"]) == 0
    current = capsys.readouterr().out.splitlines()[-1].split()
    assert current[1] == "current" and current[3] == written.verifier.vkey
    missing = configured / "no-such-dir" / "k.key"
    assert main(["audit", "keys", "rotate", "--out", str(missing)]) == 2
    assert main(["audit", "keys", "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # nothing more was published


def _example(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(EXAMPLE), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_the_example_answers_every_mistake_in_one_line(
    server: str, configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "checkpoint"]) == 0
    vkey = Signer.from_skey((configured / "audit.key").read_text()).verifier.vkey
    (configured / "vkey").write_text(vkey + "\n")
    assert _example(server, "3", "--vkey-file", str(configured / "vkey")).returncode == 0
    other = Signer.generate("registry.test/audit").verifier.vkey
    mistakes = {
        "past the log": ([server, "999999"], "no event at position 999999"),
        "position 0": ([server, "0"], "positions start at 1"),
        "not a number": ([server, "three"], "is not a whole number"),
        "bad key": ([server, "3", "--vkey", "not+a+key"], "not a verifier key"),
        "another key": ([server, "3", "--vkey", other], "no trusted key signed"),
        "no such file": ([server, "3", "--vkey-file", "/no/such/file"], "cannot read"),
        "a directory": ([server, "3", "--vkey-file", str(configured)], "cannot read"),
        "not a URL": (["registry.example", "3"], "is not an http"),
        "nothing there": (["http://127.0.0.1:9", "3"], "cannot read"),
        "not the registry": ([server + "/nothing", "3"], "404"),
    }
    for name, (args, message) in mistakes.items():
        done = _example(*args)
        assert done.returncode in (1, 2), name
        assert "Traceback" not in done.stderr, (name, done.stderr)
        assert len(done.stderr.splitlines()) == 1, (name, done.stderr)
        assert message in done.stderr, (name, done.stderr)


def test_the_example_refuses_a_checkpoint_by_a_retired_key_for_a_larger_tree(
    server: str, configured: Path
) -> None:
    assert main(["audit", "checkpoint"]) == 0
    old = Signer.from_skey((configured / "audit.key").read_text())
    assert _example(server, "3").returncode == 0
    engine = sync_engine(Settings())
    forge_with_retired_key(engine, old)
    engine.dispose()
    done = _example(server, "3")
    assert done.returncode == 1
    assert "FAIL: the checkpoint of 99999 leaves is signed by a retired key" in done.stderr

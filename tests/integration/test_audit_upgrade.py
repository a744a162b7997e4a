"""Upgrading a store from leaf format 1: migration 0008 empties the tree, which the audit
projection rebuilds in format 2; old checkpoints keep their format, retired keys a limit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from projections.audit.signed_checkpoints import sign_now
from projections.audit.verify_store import verify_store
from projections.machinery import schema
from projections.machinery.engines import sync_engine
from projections.machinery.follower import Follower
from projections.running.read_side import all_projections
from projections.running.rebuild import rebuild
from projections.tables import audit_checkpoints, audit_keys, audit_leaves, audit_nodes, tracking
from registry.application import LeaderRegistry
from registry.settings import Settings
from registry.signed_notes import Checkpoint, Signer, sign_note
from tests.clock import Clock
from tests.worlds import ENERGY, award_cycle, build_world

OLD, CURRENT = Signer.generate("registry.test/audit"), Signer.generate("registry.test/audit")
AT = datetime(2025, 1, 1, tzinfo=UTC)


def test_a_format_1_tree_is_rebuilt_and_its_checkpoints_kept_apart(empty_store: Settings) -> None:
    clock = Clock()
    registry = LeaderRegistry(env=empty_store.event_store_env(), clock=clock)
    award_cycle(build_world(registry, clock, line=ENERGY), 2024, [40, 45, 45, 50])
    engine = sync_engine(empty_store)
    schema.upgrade(engine, empty_store, "0005")
    with engine.begin() as conn:  # a format-1 tree of three leaves, as the old code left it
        conn.execute(text("INSERT INTO tracking (projection, position) VALUES ('audit', 3)"))
        for i in range(3):
            leaf = text("INSERT INTO audit_leaves VALUES (:i, :p, :h)")
            conn.execute(leaf, {"i": i, "p": i + 1, "h": b"1" * 32})
        conn.execute(text("INSERT INTO audit_nodes VALUES (65, :h)"), {"h": b"2" * 32})
        for signer, retired in ((OLD, AT), (CURRENT, None)):
            v = signer.verifier
            conn.execute(
                text("INSERT INTO audit_keys VALUES (:k, :n, :p, :c, :r)"),
                {"k": v.key_id, "n": v.name, "p": v.public_key, "c": AT, "r": retired},
            )
        old = Checkpoint(OLD.name, 3, b"1" * 32)
        conn.execute(
            text(
                "INSERT INTO audit_checkpoints (tree_size, root_hash, key_id, note, created_at) "
                "VALUES (3, :r, :k, :n, :c)"
            ),
            {"r": old.root, "k": OLD.verifier.key_id, "n": sign_note(old.body, OLD), "c": AT},
        )

    schema.upgrade(engine, empty_store)
    with engine.connect() as conn:
        assert conn.execute(select(audit_leaves)).all() == []
        assert conn.execute(select(audit_nodes)).all() == []
        audit = select(tracking.c.position).where(tracking.c.projection == "audit")
        assert conn.execute(audit).scalar_one() == 0
        assert conn.execute(select(audit_checkpoints.c.leaf_version)).scalars().all() == [1]
        keys = conn.execute(select(audit_keys.c.key_id, audit_keys.c.retired_tree_size))
        limits = {key_id: size for key_id, size in keys}
    assert limits == {OLD.verifier.key_id: 3, CURRENT.verifier.key_id: None}

    assert rebuild(empty_store, registry, "audit") == registry.recorder.max_notification_id()
    Follower(registry, engine, all_projections()).catch_up()
    signed = sign_now(engine, CURRENT, clock())
    assert signed["leaf_version"] == 2 and signed["tree_size"] > 3
    report = verify_store(registry, engine)
    assert report.ok, report.problems
    assert report.checkpoints == 1
    assert "1 checkpoint(s) of an older leaf format not compared" in report.notes
    engine.dispose()
    registry.close()

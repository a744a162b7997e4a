"""The notice log on both stores: one row per notice, ranked in each feed from 1, the same
whatever the follower's batches and after a rebuild from the log."""

from __future__ import annotations

from sqlalchemy import Engine, select

from projections.machinery.follower import Follower
from projections.notice_log import NoticeLog
from projections.running.rebuild import rebuild
from projections.tables import notice_counts, notice_log
from registry.application import LeaderRegistry
from registry.settings import Settings
from tests.clock import Clock
from tests.worlds import ENERGY, REGULATOR, award_cycle, build_world


def logged(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        query = select(notice_log).order_by(notice_log.c.position)
        return [dict(row) for row in conn.execute(query).mappings()]


def test_every_notice_once_ranked_in_its_feeds_whatever_the_batches(
    store: Settings, registry: LeaderRegistry, clock: Clock, engine: Engine
) -> None:
    world = build_world(registry, clock, 4, line=ENERGY)
    _, first = award_cycle(world, 2024, [40, 45, 45, 50], top_n=2)
    registry.revoke_title(REGULATOR, first[0], reason="forged test report \x01")
    award_cycle(world, 2025, [41, 44], top_n=1)
    Follower(registry, engine, [NoticeLog()], batch_size=1).catch_up()
    rows = logged(engine)

    kinds = [row["kind"] for row in rows]
    # 2024: three qualify (a tie at the cut-off), one revoked, two superseded by 2025's one.
    assert kinds.count("publicity") == 4 and kinds.count("award") == 4
    assert kinds.count("revocation") == 1 and kinds.count("supersession") == 2
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    assert [row["category_seq"] for row in rows] == [row["seq"] for row in rows]
    for column, key in (("enterprise_seq", "credit_code"), ("scheme_seq", "scheme_id")):
        for value in {row[key] for row in rows}:
            ranks = [row[column] for row in rows if row[key] == value]
            assert ranks == list(range(1, len(ranks) + 1)), (column, value)
    with engine.connect() as conn:
        counts = dict(conn.execute(select(notice_counts.c.feed, notice_counts.c.notices)).all())
    assert counts["all"] == len(rows)
    revoked = next(row for row in rows if row["kind"] == "revocation")
    assert revoked["candidacy_id"] == first[0] and revoked["reason"] == "forged test report \x01"

    # From scratch, in batches of any size: the same rows.
    rebuild(store, registry, "notice_log", batch_size=1000)
    assert logged(engine) == rows
    rebuild(store, registry, "notice_log", batch_size=3)
    assert logged(engine) == rows

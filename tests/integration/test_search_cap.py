"""Search past its count cap, on both stores: exact and prefix matches still come first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from domain.limits import SEARCH_COUNT_CAP
from projections import search_queries
from projections.running.read_side import ReadSide
from projections.search import enterprise_document
from projections.tables import search_enterprises
from registry.application import LeaderRegistry
from registry.settings import Settings

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def row(code: str, name: str) -> dict[str, object]:
    doc = enterprise_document(code, [name])
    return dict(credit_code=code, name=name, region="120000", names=[name], **doc)


@pytest.fixture
async def crowded(store: Settings, registry: LeaderRegistry) -> AsyncIterator[ReadSide]:
    """More enterprises holding 海尔 than the cap counts; the exact and prefix ones sort last."""
    side = ReadSide(store.model_copy(update={"run_projections": False}), registry)
    side.start()
    rows = [row(f"A{n:017d}", f"青岛{n}号海尔电器有限公司") for n in range(SEARCH_COUNT_CAP + 5)]
    rows += [row("Z" * 17 + "1", "海尔智家股份有限公司"), row("Z" * 17 + "2", "海尔")]
    with side.writer.begin() as conn:
        conn.execute(search_enterprises.insert(), rows)
    yield side
    await side.close()


async def test_past_the_cap_exact_and_prefix_matches_still_come_first(
    crowded: ReadSide,
) -> None:
    async with crowded.engine.connect() as conn:
        found, until = await search_queries.search(
            conn, "海尔", kinds=["enterprises"], limit=3, now=NOW
        )
    hits = found["enterprises"]
    assert hits["total"] == SEARCH_COUNT_CAP and hits["more"] is True
    assert [(i["name"], i["match"]) for i in hits["items"]] == [
        ("海尔", "exact"),
        ("海尔智家股份有限公司", "prefix"),
        ("青岛0号海尔电器有限公司", "substring"),
    ]
    assert hits["items"][0]["titles_in_force"] == 0 and until is None
    assert found["declarations"] is None

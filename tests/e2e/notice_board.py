"""A world whose notice board has one notice of each kind, for the API and page tests."""

from __future__ import annotations

from dataclasses import dataclass

from tests.e2e.api import Api
from tests.worlds import ENERGY, REGULATOR, World, award_cycle, build_world, draft, ranked

REASON = "false declaration: the test report was forged"


@dataclass
class Board:
    world: World
    publicised: str  # the 2026 scheme's entry, its window open
    expired: str  # the 2025 title, past its validity
    superseded: str  # the first 2024 title, superseded by the 2025 list
    revoked: str  # the second 2024 title, revoked by a regulator
    publicity_scheme: str


async def notice_board(api: Api) -> Board:
    """2024: two titles, one revoked; 2025: one title (superseding 2024's), expired since;
    2026: ranked, its one qualified entry publicised. Newest first: publicity, expiry,
    supersession, revocation."""
    world = build_world(api.registry, api.clock, 3, line=ENERGY)
    _, first = award_cycle(world, 2024, [40, 45, 50], top_n=2)
    api.clock.advance(days=1)
    api.registry.revoke_title(REGULATOR, first[1], reason=REASON)
    api.clock.advance(days=1)
    _, second = award_cycle(world, 2025, [40, 45], top_n=1, validity_days=20)
    api.clock.advance(days=21)
    scheme = draft(world, 2026, top_n=1)
    third = ranked(world, scheme, [40])
    await api.settle()
    return Board(world, third[0], second[0], first[0], first[1], scheme)

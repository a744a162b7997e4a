"""Rule 6 with a share: a scheme's leaders as the top share (a percentage) of its ranked
entries; the cut-off rank is the share rounded up, ties at it included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.ranking import Quota
from tests.worlds import World, draft, events, ranked, refused


@pytest.mark.parametrize(
    ("share", "ranked_entries", "cut_off"),
    [
        ("10", 10, 1),  # exactly one entry
        ("10", 11, 2),  # 1.1 places: rounded up
        ("10", 1, 1),  # a tenth of one entry still names one
        ("33.33", 3, 1),  # 0.9999: rounded up, never past the exact value
        ("33.34", 3, 2),  # 1.0002
        ("100", 7, 7),
        ("0.01", 100_000, 10),
        ("50", 0, 0),  # nothing ranked, nobody leads
    ],
)
def test_the_cut_off_is_the_share_rounded_up(share: str, ranked_entries: int, cut_off: int) -> None:
    assert Quota(top_share=Decimal(share)).cut_off(ranked_entries) == cut_off


@pytest.mark.parametrize(
    ("top_n", "share", "field"),
    [
        (None, None, "top_n"),
        (3, Decimal(10), "top_share"),
        (None, Decimal(0), "top_share"),
        (None, Decimal("100.01"), "top_share"),
        (None, Decimal("12.345"), "top_share"),
        (None, Decimal("NaN"), "top_share"),
        (0, None, "top_n"),
    ],
)
def test_a_quota_is_one_of_top_n_or_a_share_in_range(
    top_n: int | None, share: Decimal | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refusal:
        Quota(top_n=top_n, top_share=share)
    assert refusal.value.field == field


def test_ties_at_the_share_cut_off_all_qualify(world: World) -> None:
    scheme_id = draft(world, 2026, top_share=Decimal(25))  # 5 ranked: 1.25 -> rank 2
    c = ranked(world, scheme_id, [140, 130, 130, 120, 110])
    assert [world.get(i).rank for i in c] == [1, 2, 2, 4, 5]
    assert [world.get(i).status for i in c] == ["publicised"] * 3 + ["ranked"] * 2
    assert events(world, scheme_id, "Drafted")[0].top_share == Decimal(25)


def test_excluded_and_unranked_entries_do_not_count_towards_the_share(world: World) -> None:
    scheme_id = draft(world, 2026, top_share=Decimal(50))  # 2 ranked of 4 entered: 1 place
    c = ranked(world, scheme_id, [140, "format problems", 90, 130])
    assert [world.get(i).status for i in c] == ["publicised", "excluded", "not_ranked", "ranked"]


def test_a_scheme_with_both_or_neither_is_refused(world: World) -> None:
    with refused(world, InvalidInput):
        draft(world, 2026, top_n=None)
    with refused(world, InvalidInput):
        world.registry.draft_scheme(
            world.body,
            title="Both",
            category="C3851",
            cycle=2026,
            level="national",
            region="",
            indicators=world.line.indicators,
            top_n=2,
            top_share=Decimal(10),
            publicity_days=10,
            validity_days=365,
        )

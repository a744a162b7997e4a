"""The category catalogue: a code defined once with two names, renamed with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import ids, limits
from domain.category import Category, CategoryUnchanged, InvalidCategory
from domain.errors import NotFound
from domain.values import Actor
from projections.category_names import category_of
from registry.base import AlreadyExists
from tests.worlds import ADMIN, CATEGORY, in_memory_world, refused

AT = datetime(2025, 3, 1, tzinfo=UTC)
ACTOR = Actor("admin", "ops")


def fridges() -> Category:
    return Category.define(
        code=CATEGORY, name_zh=" 家用电冰箱 ", name_en="Fridges", actor=ACTOR, at=AT
    )


def test_a_category_is_keyed_by_its_code_and_keeps_its_names_trimmed() -> None:
    made = fridges()
    assert made.id == ids.category_id(CATEGORY)
    assert (made.code, made.name_zh, made.name_en) == (CATEGORY, "家用电冰箱", "Fridges")
    (defined,) = made.collect_events()
    assert isinstance(defined, Category.Defined)
    assert (defined.code, defined.name_zh, defined.actor) == (CATEGORY, "家用电冰箱", ACTOR)


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en", "field"),
    [
        ("c3851", "冰箱", "Fridges", "code"),
        ("C" * (limits.MAX_CATEGORY_CODE + 1), "冰箱", "Fridges", "code"),
        ("C3851", "  ", "Fridges", "name_zh"),
        ("C3851", "冰箱", "x" * (limits.MAX_NAME + 1), "name_en"),
        ("C3851", "冰\n箱", "Fridges", "name_zh"),
        ("C3851", "冰箱", "Frid\u202eges", "name_en"),
    ],
)
def test_a_malformed_code_or_name_is_refused_naming_it(
    code: str, name_zh: str, name_en: str, field: str
) -> None:
    with pytest.raises(InvalidCategory) as refusal:
        Category.define(code=code, name_zh=name_zh, name_en=name_en, actor=ACTOR, at=AT)
    assert refusal.value.field == field


def test_a_rename_changes_either_name_and_keeps_the_reason() -> None:
    made = fridges()
    made.rename(name_en="Household refrigerators", reason="full name", actor=ACTOR, at=AT)
    assert (made.name_zh, made.name_en) == ("家用电冰箱", "Household refrigerators")
    made.rename(name_zh="电冰箱", reason="shorter", actor=ACTOR, at=AT + timedelta(days=1))
    renamed = made.collect_events()[-1]
    assert isinstance(renamed, Category.Renamed)
    assert (renamed.name_zh, renamed.name_en, renamed.reason) == (
        "电冰箱",
        "Household refrigerators",
        "shorter",
    )
    assert made.version == 3


def test_a_rename_must_change_something_and_say_why() -> None:
    made = fridges()
    with pytest.raises(CategoryUnchanged):
        made.rename(name_zh="家用电冰箱", reason="no change", actor=ACTOR, at=AT)
    with pytest.raises(InvalidCategory) as neither:
        made.rename(reason="nothing given", actor=ACTOR, at=AT)
    assert neither.value.field == "name_zh"
    with pytest.raises(InvalidCategory) as unexplained:
        made.rename(name_en="Refrigerators", reason=" ", actor=ACTOR, at=AT)
    assert unexplained.value.field == "reason"
    assert made.version == 1


def test_a_code_is_defined_once_and_only_a_catalogued_code_is_renamed() -> None:
    world = in_memory_world(declarations=0)
    registry = world.registry
    registry.define_category(ADMIN, code=CATEGORY, name_zh="家用电冰箱", name_en="Fridges")
    with refused(world, AlreadyExists):
        registry.define_category(ADMIN, code=CATEGORY, name_zh="冰箱", name_en="Refrigerators")
    with refused(world, NotFound):
        registry.rename_category(ADMIN, "C3852", name_zh="空调", reason="typo")
    registry.rename_category(ADMIN, CATEGORY, name_en="Refrigerators", reason="plural")
    stored = registry.load(Category, ids.category_id(CATEGORY), "category")
    assert (stored.name_zh, stored.name_en, stored.version) == ("家用电冰箱", "Refrigerators", 2)


def test_the_category_an_event_concerns_is_its_own_or_its_products() -> None:
    assert category_of({"category": "C3851", "scheme_id": "s"}) == "C3851"  # candidacy, scheme
    assert category_of({"product": {"name": "n", "category": "C3852"}}) == "C3852"  # declaration
    assert category_of({"categories": ["C3851"]}) is None  # a body: many, none named
    assert category_of({"reason": "x"}) is None and category_of(None) is None

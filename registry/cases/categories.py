"""Use cases: the administrator's catalogue of category codes and their names."""

from __future__ import annotations

from domain import ids
from domain.category import Category, check_code
from domain.errors import NotFound
from domain.values import Actor
from registry.base import AlreadyExists, Receipt, RegistryBase
from registry.permissions import check_role


class CategoryCases(RegistryBase):
    """Defining a category code with its Chinese and English names, and renaming it."""

    def define_category(self, actor: Actor, *, code: str, name_zh: str, name_en: str) -> Receipt:
        check_role(actor, "define_category")
        check_code(code)
        if self.exists(ids.category_id(code)):
            raise AlreadyExists(f"category {code} is already defined", field="code")
        category = Category.define(
            code=code, name_zh=name_zh, name_en=name_en, actor=actor, at=self.now()
        )
        return self.commit(category)

    def rename_category(
        self,
        actor: Actor,
        code: str,
        *,
        name_zh: str | None = None,
        name_en: str | None = None,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        check_role(actor, "rename_category")
        check_code(code)
        if not self.exists(ids.category_id(code)):
            raise NotFound(f"no category {code}", field="code")
        category = self.load(Category, ids.category_id(code), "category", expected_version)
        category.rename(name_zh=name_zh, name_en=name_en, reason=reason, actor=actor, at=self.now())
        return self.commit(category)

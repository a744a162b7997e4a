"""Requests and answers about the category catalogue."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from service.schemas.common import CategoryCode, Name, Request, RequiredText
from service.schemas.pages import Page

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class DefineCategory(Request):
    """A category code for the catalogue, with its Chinese and English names."""

    code: CategoryCode
    name_zh: Name = Field(description="The Chinese name, e.g. 家用电冰箱.")
    name_en: Name = Field(description="The English name, e.g. Household refrigerators.")


class RenameCategory(Request):
    """New names for a catalogued category (either or both), and why."""

    name_zh: Name | None = None
    name_en: Name | None = None
    reason: RequiredText


class CategoryOut(BaseModel):
    """A catalogued category: its names, and its counts of schemes and titles in force now."""

    code: str
    name_zh: str
    name_en: str
    schemes: int = Field(description="Schemes drafted for the category, whatever their status.")
    titles_in_force: int = Field(description="Titles of the category in force now.")
    defined_at: Timestamp
    renamed_at: Timestamp | None = Field(description="When the names last changed.")
    version: int = Field(
        description='Send it quoted as If-Match (e.g. "1") to rename the category only if '
        "it has not changed since this read."
    )


CategoryPage = Page[CategoryOut]

"""Response models of the enterprises' reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas.leaders import TitleItem
from service.schemas.values import Id, ProductOut, Timestamp


class EnterpriseItem(BaseModel):
    """One enterprise of the list: its current name and region, its declarations' span."""

    credit_code: str
    name: str = Field(description="The name of its latest declaration.")
    region: str = Field(description="The region code of its latest declaration.")
    declarations: int = Field(description="How many declarations it has made.")
    first_declared_at: Timestamp
    last_declared_at: Timestamp


class NameUse(BaseModel):
    """A name the enterprise declared under: how often, and when first and last."""

    name: str
    declarations: int
    first_used_at: Timestamp
    first_position: int = Field(description="The log position of its first use.")
    last_used_at: Timestamp
    last_position: int = Field(description="The log position of its last use.")


class EnterpriseDeclaration(BaseModel):
    """One of the enterprise's declared standards, as last revised."""

    id: Id
    standard_number: str
    title: str
    product: ProductOut
    revision: int = Field(description="As last revised (also as of a moment).")
    status: Literal["active", "withdrawn"] = Field(description="As it stood at `as_of`, if asked.")
    declared_at: Timestamp


class EnterpriseRecord(BaseModel):
    """An enterprise now (or as of a moment): names over time, declarations, titles in force."""

    credit_code: str
    name: str
    region: str
    names: list[NameUse] = Field(description="Every name it declared under, oldest first.")
    declarations: list[EnterpriseDeclaration] = Field(
        description="Its latest declarations (at most 200), newest first."
    )
    declarations_total: int = Field(description="How many declarations it had made in all.")
    titles_in_force: list[TitleItem]
    as_of: Timestamp = Field(description="The moment the answer is as of (RFC 3339).")

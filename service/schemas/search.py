"""The search's query parameter and its answer: the best matches per kind of record."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from domain import limits
from domain.search_text import query_problem


def _searchable(value: str) -> str:
    problem = query_problem(value)
    if problem:
        raise PydanticCustomError("search_query", problem)
    return value


SearchQuery = Annotated[str, AfterValidator(_searchable)]


class SearchKind(StrEnum):
    ENTERPRISES = "enterprises"
    DECLARATIONS = "declarations"
    EVALUATION_BODIES = "evaluation_bodies"
    SCHEMES = "schemes"


Match = Literal["exact", "prefix", "substring"]
MATCH = "How the query matched: a whole field (`exact`), a field's start, or inside a field."


class EnterpriseHit(BaseModel):
    """An enterprise: open it with /v1/enterprises/{credit_code}."""

    credit_code: str
    name: str = Field(description="The name it last declared under.")
    former_names: list[str] = Field(description="Earlier names, latest first.")
    region: str
    titles_in_force: int = Field(description="How many leader titles it holds now.")
    match: Match = Field(description=MATCH)


class ProductOut(BaseModel):
    name: str
    model: str
    category: str


class DeclarationHit(BaseModel):
    """A declared standard: open it with /v1/declarations/{id}."""

    id: str
    credit_code: str
    enterprise_name: str
    standard_number: str
    title: str
    product: ProductOut
    revision: int
    status: str
    match: Match = Field(description=MATCH)


class BodyHit(BaseModel):
    """An evaluation body: open it with /v1/evaluation-bodies/{id}."""

    id: str
    name: str
    kind: str
    status: str
    match: Match = Field(description=MATCH)


class SchemeHit(BaseModel):
    """An evaluation scheme: open it with /v1/schemes/{id} (its ranking: .../ranking)."""

    id: str
    title: str
    body_id: str
    category: str
    cycle: int
    level: str
    region: str
    status: str
    match: Match = Field(description=MATCH)


HitT = TypeVar("HitT")


class Hits(BaseModel, Generic[HitT]):
    """One kind's best matches (at most `limit`) and how many match in all."""

    items: list[HitT] = Field(description="Exact matches first, then prefixes, then the rest.")
    total: int = Field(
        description=f"How many records of this kind match, counted up to {limits.SEARCH_COUNT_CAP}."
    )
    more: bool = Field(description=f"More than {limits.SEARCH_COUNT_CAP} match: narrow the query.")


class SearchResults(BaseModel):
    """The best matches of a query, per kind of record (null for a kind not asked for)."""

    query: str
    enterprises: Hits[EnterpriseHit] | None
    declarations: Hits[DeclarationHit] | None
    evaluation_bodies: Hits[BodyHit] | None
    schemes: Hits[SchemeHit] | None

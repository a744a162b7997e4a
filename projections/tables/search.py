"""Search documents: one per record, its normalised text and that text's bigrams."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    String,
    Table,
    Text,
)

from projections.tables.columns import ID, Grams, metadata

# Search (projections/search.py, docs in ARCHITECTURE.md): one document per record, its
# normalised text (`domain.search_text.document`) and that text's bigrams under a GIN index.
GRAMS = Grams()


def _search_table(name: str, key: Column[Any], *columns: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        key,
        *columns,
        Column("text", Text, nullable=False),
        Column("grams", GRAMS),
        Index(f"ix_{name}_grams", "grams", postgresql_using="gin"),
    )


search_enterprises = _search_table(
    "search_enterprises",
    Column("credit_code", String(18), primary_key=True),
    Column("name", Text, nullable=False),  # the latest
    Column("region", String(6), nullable=False),
    Column("names", JSON, nullable=False),  # every name, oldest first
)
search_declarations = _search_table(
    "search_declarations",
    Column("id", ID, primary_key=True),
    Column("standard_number", Text, nullable=False),  # a revision keeps it
)
search_bodies = _search_table("search_bodies", Column("id", ID, primary_key=True))
search_schemes = _search_table("search_schemes", Column("id", ID, primary_key=True))

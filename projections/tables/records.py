"""The registry's records: evaluation bodies, categories, declarations, schemes and candidacies."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from projections.tables.columns import CATEGORY, ID, TS, metadata

bodies = Table(
    "bodies",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("categories", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("registered_at", TS, nullable=False),
    Column("version", Integer, nullable=False),
    # Every suspension, reinstatement and change of accredited categories, oldest first:
    # {"kind", "at", "reason", "categories" (after a change of them)}. A body has few.
    Column("changes", JSON, nullable=False, server_default="[]"),
)

# The catalogue of category codes (Category events): their Chinese and English names. The
# lists join it on the code to show a category's name beside it (`projections.categories`).
categories = Table(
    "categories",
    metadata,
    Column("id", ID, primary_key=True),
    Column("code", CATEGORY, nullable=False, unique=True),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("defined_at", TS, nullable=False),
    Column("renamed_at", TS),
    Column("version", Integer, nullable=False),
)

declarations = Table(
    "declarations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("enterprise_name", Text, nullable=False),
    Column("region", String(6), nullable=False),
    Column("standard_number", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("product_name", Text, nullable=False),
    Column("product_model", Text, nullable=False),
    Column("category", CATEGORY, nullable=False, index=True),
    Column("indicators", JSON, nullable=False),
    Column("disclosed_on", String(10), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("withdrawal_reason", Text, nullable=False),
    Column("declared_at", TS, nullable=False),
    Column("version", Integer, nullable=False),
    # The declarations list (projections/lists/declarations.py): newest first, overall
    # and within a category or status; exact standard numbers and models.
    Index("ix_declarations_declared", "declared_at", "id"),
    Index("ix_declarations_category_declared", "category", "declared_at"),
    Index("ix_declarations_status_declared", "status", "declared_at"),
    Index("ix_declarations_standard_number", "standard_number"),
    Index("ix_declarations_product_model", "product_model"),
)

schemes = Table(
    "schemes",
    metadata,
    Column("id", ID, primary_key=True),
    Column("body_id", ID, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("category", CATEGORY, nullable=False, index=True),
    Column("cycle", Integer, nullable=False),
    Column("level", String(16), nullable=False),
    Column("region", String(6), nullable=False),
    Column("status", String(16), nullable=False),
    Column("indicators", JSON, nullable=False),
    # The leaders: the top N ranks, or (NULL top_n) the top share, a percentage as text.
    Column("top_n", Integer),
    Column("top_share", Text),
    Column("publicity_days", Integer, nullable=False),
    Column("validity_days", Integer, nullable=False),
    Column("candidates", Integer, nullable=False),
    Column("rejection_reason", Text, nullable=False),
    Column("drafted_at", TS, nullable=False),
    Column("reviewed_at", TS),
    Column("ranked_at", TS),
    Column("publicity_ends_at", TS),
    Column("awarded_at", TS),
    Column("valid_until", TS),
    Column("version", Integer, nullable=False),
    # Set when the ranking is published (`Scheme.RankingPublished`): a ranking page's counts
    # without counting its entries.
    Column("ranked_count", Integer),
    Column("qualified_count", Integer),
    # The schemes list: newest drafted first, overall and by status.
    Index("ix_schemes_drafted", "drafted_at", "id"),
    Index("ix_schemes_status_drafted", "status", "drafted_at"),
)

candidacies = Table(
    "candidacies",
    metadata,
    Column("id", ID, primary_key=True),
    Column("scheme_id", ID, nullable=False, index=True),
    Column("declaration_id", ID, nullable=False),
    Column("body_id", ID, nullable=False),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("enterprise_name", Text, nullable=False),
    Column("enterprise_region", String(6), nullable=False),
    Column("standard_number", Text, nullable=False),
    Column("product_name", Text, nullable=False),
    Column("product_model", Text, nullable=False),
    Column("category", CATEGORY, nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("level", String(16), nullable=False),
    Column("scheme_region", String(6), nullable=False),
    Column("status", String(16), nullable=False),
    Column("declared", JSON, nullable=False),
    Column("values", JSON, nullable=False),
    Column("exclusion_reason", Text, nullable=False),
    Column("rank", Integer),
    Column("score", Text),
    Column("qualified", Boolean, nullable=False),
    Column("breakdown", JSON, nullable=False),
    Column("publicity_ends_at", TS),
    Column("awarded_at", TS),
    Column("valid_until", TS),
    Column("ended_at", TS),
    Column("end_reason", Text, nullable=False),
    Column("ended_by_role", String(32)),
    Column("ended_by_subject", Text),
    Column("open_complaints", Integer, nullable=False),
    Column("entered_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("version", Integer, nullable=False),
    # Serves current leaders and as_of: awarded titles by list, by time window.
    Index("ix_candidacies_titles", "awarded_at", "category", "cycle"),
    # Current leaders: the titles of a category (or of all) not yet past their validity,
    # a range that does not grow with the years of expired titles.
    Index("ix_candidacies_current", "category", "valid_until"),
    # Titles in force from the index alone (migration 0022).
    Index("ix_candidacies_in_force", "valid_until", "awarded_at", "ended_at", "credit_code"),
    # The candidacies list: newest entered first, overall and by recorded status.
    Index("ix_candidacies_entered", "entered_at", "id"),
    Index("ix_candidacies_status_entered", "status", "entered_at"),
    # A ranking's pages: its ranked entries in rank order (ties by credit code, id), then
    # those not ranked (rank NULL), read as a range of one scheme.
    Index("ix_candidacies_ranking", "scheme_id", "rank", "credit_code", "id"),
)

"""Read-model tables (SQLAlchemy Core). Each row is derived from the event log only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from domain.limits import MAX_CATEGORY_CODE, MAX_NAME
from registry import report_vault, webhook_secrets


class Grams(TypeDecorator[list[str]]):
    """A document's bigrams: a `text[]` under a GIN index on PostgreSQL; not kept on SQLite,
    where a search reads the (embedded-scale) documents themselves."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        return value if dialect.name == "postgresql" else None

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str] | None:
        return list(value) if isinstance(value, list) else None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value


metadata = MetaData()
# Widths are given only where a rule fixes them (ids, codes, enumerations); every text that
# people write or the registry derives from it (names, numbers, scores) is `Text`: the
# limits are in `domain.limits`, enforced before anything is recorded.
ID = String(36)
CATEGORY = String(MAX_CATEGORY_CODE)
TS = UTCDateTime()

tracking = Table(
    "tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    # Set while the projection is halted (projections/machinery/halts.py): the event it
    # cannot apply.
    Column("halted_at", BigInteger),
    Column("halted_event", Text),
    Column("halted_error", Text),
    Column("halted_since", TS),
)

events = Table(
    "events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("aggregate_id", ID, nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("aggregate_type", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("timestamp", TS, nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("actor_subject", Text, nullable=False),
    Column("actor_credential_id", String(36), nullable=False, server_default=""),
    Column("request_id", String(64), nullable=False, server_default=""),
    Column("credit_code", String(18)),
    Column("candidacy_id", ID),
    # The category, evaluation body and scheme the event concerns, if any (the filters').
    Column("category", CATEGORY),
    Column("body_id", ID),
    Column("scheme_id", ID),
    Column("data", JSON, nullable=False),
    Index("ix_events_credit_code", "credit_code", "position"),
    Index("ix_events_candidacy", "candidacy_id", "position"),
    Index("ix_events_category", "category", "position"),
    Index("ix_events_body", "body_id", "position"),
    Index("ix_events_scheme", "scheme_id", "position"),
)

# Which enterprise, candidacy, category, body and scheme an aggregate's events belong to.
subjects = Table(
    "subjects",
    metadata,
    Column("aggregate_id", ID, primary_key=True),
    Column("credit_code", String(18)),
    Column("candidacy_id", ID),
    Column("category", CATEGORY),
    Column("body_id", ID),
    Column("scheme_id", ID),
)

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
    Index("ix_candidacies_valid_until", "valid_until"),
    # The candidacies list: newest entered first, overall and by recorded status.
    Index("ix_candidacies_entered", "entered_at", "id"),
    Index("ix_candidacies_status_entered", "status", "entered_at"),
    # A ranking's pages: its ranked entries in rank order (ties by credit code, id), then
    # those not ranked (rank NULL), read as a range of one scheme.
    Index("ix_candidacies_ranking", "scheme_id", "rank", "credit_code", "id"),
)

# One row per enterprise (credit code) that has declared: its name and region as of its
# latest declaration (the `enterprises` projection).
enterprises = Table(
    "enterprises",
    metadata,
    Column("credit_code", String(18), primary_key=True),
    Column("name", Text, nullable=False),
    Column("region", String(6), nullable=False),
    Column("declarations", Integer, nullable=False),
    Column("first_declared_at", TS, nullable=False),
    Column("last_declared_at", TS, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_enterprises_region", "region", "credit_code"),
)

# Every declaration's enterprise as declared, in log order: an enterprise's names over
# time (first and last used, as of any moment) are a GROUP BY over its rows.
enterprise_names = Table(
    "enterprise_names",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("credit_code", String(18), nullable=False),
    Column("name", Text, nullable=False),
    Column("region", String(6), nullable=False),
    Column("declared_at", TS, nullable=False),
    Index("ix_enterprise_names_credit_code", "credit_code", "position"),
)

complaints = Table(
    "complaints",
    metadata,
    Column("id", ID, primary_key=True),
    Column("candidacy_id", ID, nullable=False, index=True),
    Column("complainant_kind", String(32), nullable=False),
    Column("grounds", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("status", String(32), nullable=False),
    Column("findings", Text, nullable=False),
    Column("filed_by_role", String(32), nullable=False),
    Column("filed_by_subject", Text, nullable=False),
    Column("filed_at", TS, nullable=False),
    Column("decided_by_role", String(32)),
    Column("decided_by_subject", Text),
    Column("decided_at", TS),
    Column("version", Integer, nullable=False),
    # The investigation step (who and when), and the enterprise's statement in answer.
    Column("investigated_by_role", String(32)),
    Column("investigated_by_subject", Text),
    Column("investigated_at", TS),
    Column("statement", Text, nullable=False, server_default=""),
    Column("answered_at", TS),
    Column("report_id", ID),  # the public report it was opened from
    # The complaints list: newest filed first, overall and by status.
    Index("ix_complaints_filed", "filed_at", "id"),
    Index("ix_complaints_status_filed", "status", "filed_at"),
)

# Public reports as the regulator's desk reads them (private: never a public read). No
# personal data: that stays sealed in the log (`registry.sealing`). A report about a leader
# takes its region from the leader's list (`projections.desk`).
reports = Table(
    "reports",
    metadata,
    Column("id", ID, primary_key=True),
    Column("target_kind", String(16), nullable=False),
    Column("target", String(36), nullable=False),  # a candidacy's id or a credit code
    Column("candidacy_id", ID),
    Column("region", String(6)),  # a report about an enterprise: its registration's region
    Column("grounds", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("duplicate_of", ID),
    Column("outcome", Text, nullable=False),
    Column("complaint_id", ID),
    Column("received_at", TS, nullable=False),
    Column("dealt_at", TS),
    Column("dealt_by_subject", Text),
    Column("version", Integer, nullable=False),
    # The desk: oldest received first.
    Index("ix_reports_received", "received_at", "id"),
)

# Every status each record held, one row per period (projections/status_history.py): the
# open period is keyed by the record's id, a closed one by "id@position it began".
status_history = Table(
    "status_history",
    metadata,
    Column("period_id", String(64), primary_key=True),
    Column("record_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    # A candidacy's complaints open during the period, and its title's validity: what its
    # displayed status (under_complaint, expired) depends on at a moment.
    Column("open_complaints", Integer, nullable=False),
    Column("valid_until", TS),
    Column("began_at", TS, nullable=False),
    Column("began_position", BigInteger, nullable=False),
    Column("ended_at", TS),
    Column("ended_position", BigInteger),
    # A record's period at a moment; the records of a kind that held a status from a moment.
    Index("ix_status_history_record", "record_id", "began_at"),
    Index("ix_status_history_kind_status", "kind", "status", "began_at"),
    # The changes of the lists since a log position (projections/leader_changes.py).
    Index("ix_status_history_kind_position", "kind", "began_position"),
)


def _notice_subject() -> list[Column[Any]]:
    """A candidacy as a notice names it (fresh columns: each table needs its own)."""
    return [
        Column("scheme_id", ID, nullable=False),
        Column("credit_code", String(18), nullable=False),
        Column("category", CATEGORY, nullable=False),
        Column("enterprise_name", Text, nullable=False),
        Column("product_name", Text, nullable=False),
        Column("product_model", Text, nullable=False),
        Column("standard_number", Text, nullable=False),
        Column("cycle", Integer, nullable=False),
        Column("level", String(16), nullable=False),
        Column("rank", Integer),
    ]


# The notice log (projections/notice_log.py): every notice as it was given, in log order,
# never changed once written: the Atom feeds' entries and their archive pages. `seq` counts
# the notices from the first (1, 2, ...), `category_seq`, `enterprise_seq` and `scheme_seq`
# within the notice's category, enterprise and scheme, so a feed's fixed-size pages are ranges.
notice_log = Table(
    "notice_log",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("candidacy_id", ID, nullable=False),
    *_notice_subject(),
    Column("at", TS, nullable=False),
    Column("until", TS),  # a window's end; a title's validity
    Column("reason", Text),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("category_seq", BigInteger, nullable=False),
    Column("enterprise_seq", BigInteger, nullable=False),
    Column("scheme_seq", BigInteger, nullable=False),
    Index("ix_notice_log_category", "category", "category_seq"),
    Index("ix_notice_log_enterprise", "credit_code", "enterprise_seq"),
    Index("ix_notice_log_scheme", "scheme_id", "scheme_seq"),
)

# What the notice log says of a candidacy, from its entry (the later events do not repeat
# it): what each of its notices repeats.
notice_subjects = Table(
    "notice_subjects",
    metadata,
    Column("candidacy_id", ID, primary_key=True),
    *_notice_subject(),
)

# How many notices each feed holds so far: "all", "category:CODE", "enterprise:CODE",
# "scheme:ID".
notice_counts = Table(
    "notice_counts",
    metadata,
    Column("feed", Text, primary_key=True),
    Column("notices", BigInteger, nullable=False),
)

# Private: who holds which role. Never the token's hash; not in the public feed.
# `last_used_at` is the one column not derived from the log: operational metadata that
# `projections.credentials.LastUsed` writes (a rebuild starts it again from empty).
credentials = Table(
    "credentials",
    metadata,
    Column("id", ID, primary_key=True),
    Column("role", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("created_by_role", String(32), nullable=False),
    Column("created_by_subject", Text, nullable=False),
    Column("expires_at", TS),
    Column("revoked_at", TS),
    Column("revocation_reason", Text, nullable=False),
    Column("replaces", ID),
    Column("replaced_by", ID),
    Column("last_used_at", TS),
    Column("version", Integer, nullable=False),
    # A regulator's jurisdiction ("" for other roles; national for older regulators').
    Column("region", String(6), nullable=False, server_default=""),
    Index("ix_credentials_role_subject", "role", "subject"),
)

# Public: who may act as whom (AccessGrant events), one row per credential; no token, no hash.
grants = Table(
    "grants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("credential_id", ID, nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("issued_at", TS, nullable=False),
    Column("issued_by_role", String(32), nullable=False),
    Column("issued_by_subject", Text, nullable=False),
    Column("expires_at", TS),
    Column("replaces", ID),
    Column("revoked_at", TS),
    Column("revoked_by_role", String(32)),
    Column("revoked_by_subject", Text),
    Column("revocation_reason", Text),
    Column("version", Integer, nullable=False),
    Index("ix_grants_role_subject", "role", "subject"),
)

# The audit log (docs/audit.md). Leaves and nodes are derived from the log (the `audit`
# projection); checkpoints and keys are signed statements about it and are never rebuilt.
HASH = LargeBinary(32)

audit_leaves = Table(
    "audit_leaves",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False, unique=True),
    Column("hash", HASH, nullable=False),
)

# Complete subtrees above the leaves: 2**level leaves from leaf index * 2**level, keyed
# by node_id = index * 64 + level.
audit_nodes = Table(
    "audit_nodes",
    metadata,
    Column("node_id", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", HASH, nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", BigInteger, nullable=False, index=True),
    Column("root_hash", HASH, nullable=False),
    Column("key_id", String(8), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("leaf_version", Integer, nullable=False),  # projections.audit.leaves.LEAF_VERSION
    UniqueConstraint(
        "tree_size", "key_id", "leaf_version", name="uq_audit_checkpoints_size_key_version"
    ),
)

audit_keys = Table(
    "audit_keys",
    metadata,
    Column("key_id", String(8), primary_key=True),
    Column("name", String(MAX_NAME), nullable=False),  # checked by registry.signed_notes
    Column("public_key", HASH, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("retired_at", TS),
    Column("retired_tree_size", BigInteger),  # the largest tree a retired key vouches for
)

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

# Not a read model: the report vault's keys (`registry.report_vault`), which nothing can
# rebuild. Listed here so that the migrations create it beside the read models.
report_keys = report_vault.report_keys.to_metadata(metadata)

# Private: webhook subscriptions (Subscription events), their subscriber's to read; no secret.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("filters", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # active, paused, disabled, deleted
    Column("disabled_reason", Text, nullable=False),
    Column("start_after", BigInteger, nullable=False),  # the position deliveries start after
    Column("replay_after", BigInteger),  # the last replay's start, and its event's version
    Column("replay_version", Integer, nullable=False),
    Column("resumed_at", TS),
    Column("created_at", TS, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_subscriptions_owner", "owner", "created_at"),
)

# Not read models: the webhook dispatcher's state (`projections.webhooks`). Each
# subscription's cursor (the last position delivered or passed over) changes in the same
# transaction as the delivery log row that moved it, like a projection's tracking position.
webhook_cursors = Table(
    "webhook_cursors",
    metadata,
    Column("subscription_id", ID, primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("replay_version", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),  # failed attempts at the next event
    Column("failing_since", TS),
    Column("next_attempt_at", TS),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("subscription_id", ID, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("webhook_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer),  # None: no answer (refused, timed out, unreachable)
    Column("error", Text, nullable=False),
    Column("latency_ms", Integer, nullable=False),
    Column("attempted_at", TS, nullable=False),
    Column("next_attempt_at", TS),
    Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
)

# Not a read model: subscriptions' signing secrets (`registry.webhook_secrets`).
webhook_secret_keys = webhook_secrets.webhook_secrets.to_metadata(metadata)

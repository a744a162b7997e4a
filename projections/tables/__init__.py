"""Read-model tables (SQLAlchemy Core), one module per subject; each row is derived from the
event log only. Every table is importable from here."""

from __future__ import annotations

from projections.tables.access import credentials, grants
from projections.tables.audit import HASH, audit_checkpoints, audit_keys, audit_leaves, audit_nodes
from projections.tables.columns import CATEGORY, ID, TS, Grams, UTCDateTime, metadata
from projections.tables.complaints import complaints, reports
from projections.tables.enterprises import enterprise_names, enterprises
from projections.tables.history import status_history
from projections.tables.log import events, subjects, tracking
from projections.tables.notices import notice_counts, notice_log, notice_subjects
from projections.tables.records import bodies, candidacies, categories, declarations, schemes
from projections.tables.search import (
    GRAMS,
    search_bodies,
    search_declarations,
    search_enterprises,
    search_schemes,
)
from projections.tables.vaults import report_keys, webhook_secret_keys
from projections.tables.webhooks import subscriptions, webhook_cursors, webhook_deliveries

__all__ = [
    "CATEGORY",
    "GRAMS",
    "HASH",
    "ID",
    "TS",
    "Grams",
    "UTCDateTime",
    "audit_checkpoints",
    "audit_keys",
    "audit_leaves",
    "audit_nodes",
    "bodies",
    "candidacies",
    "categories",
    "complaints",
    "credentials",
    "declarations",
    "enterprise_names",
    "enterprises",
    "events",
    "grants",
    "metadata",
    "notice_counts",
    "notice_log",
    "notice_subjects",
    "report_keys",
    "reports",
    "schemes",
    "search_bodies",
    "search_declarations",
    "search_enterprises",
    "search_schemes",
    "status_history",
    "subjects",
    "subscriptions",
    "tracking",
    "webhook_cursors",
    "webhook_deliveries",
    "webhook_secret_keys",
]

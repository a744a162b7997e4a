"""The CSV columns of each downloadable list: a download's header, and the paths its cells
are read by (`service.downloads`), worked out once per download rather than per row.

They are the items' fields, nested objects flattened with dots; tests/e2e/test_downloads.py
checks that they agree with each list's items.
"""

from __future__ import annotations

TITLE = (
    "candidacy_id",
    "scheme_id",
    "body_id",
    "declaration_id",
    "enterprise.credit_code",
    "enterprise.name",
    "enterprise.region",
    "standard_number",
    "product.name",
    "product.model",
    "product.category",
    "product.category_name",
    "cycle",
    "level",
    "region",
    "status",
    "rank",
    "score",
    "awarded_at",
    "valid_until",
)
RANKING_ENTRY = (*TITLE, "qualified", "breakdown", "reason")
SCHEME = (
    "id",
    "body_id",
    "title",
    "category",
    "cycle",
    "level",
    "region",
    "status",
    "top_n",
    "top_share",
    "publicity_days",
    "validity_days",
    "drafted_at",
    "reviewed_at",
    "ranked_at",
    "publicity_ends_at",
    "awarded_at",
    "valid_until",
)
BODY = (
    "id",
    "name",
    "kind",
    "categories",
    "status",
    "registered_at",
    "suspension_reason",
    "suspended_at",
    "changes",
)
DECLARATION = (
    "id",
    "enterprise.credit_code",
    "enterprise.name",
    "enterprise.region",
    "standard_number",
    "title",
    "product.name",
    "product.model",
    "product.category",
    "disclosed_on",
    "revision",
    "status",
    "declared_at",
)
CANDIDACY = (*TITLE, "entered_at")
COMPLAINT = (
    "id",
    "candidacy_id",
    "scheme_id",
    "enterprise.credit_code",
    "enterprise.name",
    "complainant_kind",
    "grounds",
    "status",
    "filed_at",
    "decided_at",
    "decided_by_role",
    "findings",
    "statement",
)
ENTERPRISE = (
    "credit_code",
    "name",
    "region",
    "declarations",
    "first_declared_at",
    "last_declared_at",
)
CATEGORY = (
    "code",
    "name_zh",
    "name_en",
    "schemes",
    "titles_in_force",
    "defined_at",
    "renamed_at",
    "version",
)

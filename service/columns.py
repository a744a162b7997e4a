"""The CSV columns of each downloadable list: the header of a download with no rows.

A download with rows takes its header from its first item (`service.downloads`); these are
the same names, for an empty list (tests/e2e/test_downloads.py checks that they agree).
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

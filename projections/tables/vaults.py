"""Not read models: keys that nothing can rebuild, created by the migrations beside them."""

from __future__ import annotations

from projections.tables.columns import metadata
from registry import report_vault, webhook_secrets

# Not a read model: the report vault's keys (`registry.report_vault`), which nothing can
# rebuild. Listed here so that the migrations create it beside the read models.
report_keys = report_vault.report_keys.to_metadata(metadata)

# Not a read model: subscriptions' signing secrets (`registry.webhook_secrets`).
webhook_secret_keys = webhook_secrets.webhook_secrets.to_metadata(metadata)

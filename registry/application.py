"""The registry's one application: every use case, over one event store."""

from __future__ import annotations

from registry.cases.access import AccessCases
from registry.cases.categories import CategoryCases
from registry.cases.declarations import DeclarationCases
from registry.cases.reports import ReportCases
from registry.cases.schemes import SchemeCases
from registry.cases.subscriptions import SubscriptionCases
from registry.cases.titles import TitleCases
from registry.cases.triage import TriageCases
from registry.idempotency import IdempotencyCases


class LeaderRegistry(
    AccessCases,
    CategoryCases,
    DeclarationCases,
    SchemeCases,
    TriageCases,
    TitleCases,
    ReportCases,
    SubscriptionCases,
    IdempotencyCases,
):
    """Bodies, credentials, categories, declarations, schemes, candidacies, complaints,
    public reports and webhook subscriptions."""

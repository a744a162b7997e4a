"""Requests about declared standards: the registry's own input models (`registry.inputs`),
which the bulk importer accepts as well."""

from __future__ import annotations

from registry.inputs import Content, Declare, EnterpriseIn, ProductIn, Revise

__all__ = ["Content", "Declare", "EnterpriseIn", "ProductIn", "Revise"]

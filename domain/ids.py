"""Deterministic ids: the same natural key always gives the same aggregate id (uuid5)."""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("6b0f4f1e-2d43-5c59-9a3c-6c1d2f1e7a10")


def body_id(name: str) -> UUID:
    return uuid5(NAMESPACE, "body:" + " ".join(name.split()).casefold())


def declaration_id(credit_code: str, standard_number: str) -> UUID:
    return uuid5(NAMESPACE, f"declaration:{credit_code}:{' '.join(standard_number.split())}")


def scheme_id(body: UUID, category: str, level: str, region: str, cycle: int) -> UUID:
    return uuid5(NAMESPACE, f"scheme:{body}:{category}:{level}:{region}:{cycle}")


def candidacy_id(scheme: UUID, declaration: UUID) -> UUID:
    return uuid5(NAMESPACE, f"candidacy:{scheme}:{declaration}")


def credential_id(token_hash: str) -> UUID:
    return uuid5(NAMESPACE, "credential:" + token_hash)


def idempotency_id(scope: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"idempotency:{scope}:{key}")


def grant_id(credential_id: str) -> UUID:
    return uuid5(NAMESPACE, "grant:" + credential_id)


def category_id(code: str) -> UUID:
    return uuid5(NAMESPACE, "category:" + code)

"""Use cases: enterprises declare, revise and withdraw their standards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain import ids
from domain.candidacy import Candidacy
from domain.declaration import Declaration
from domain.values import Actor, Enterprise, Product
from registry.base import AlreadyExists, Receipt, RegistryBase
from registry.permissions import check_role, check_subject


class DeclarationCases(RegistryBase):
    """The enterprise (or the national platform's feed) keeps its declarations."""

    def declare(
        self,
        actor: Actor,
        *,
        enterprise: Enterprise,
        standard_number: str,
        title: str,
        product: Product,
        indicators: dict[str, Decimal],
        disclosed_on: date,
        committed: bool = True,
    ) -> Receipt:
        check_role(actor, "declare")
        check_subject(actor, enterprise.credit_code, f"enterprise {enterprise.credit_code}")
        if self.exists(ids.declaration_id(enterprise.credit_code, standard_number)):
            raise AlreadyExists(
                f"{enterprise.credit_code} has already declared {standard_number}",
                field="standard_number",
            )
        declaration = Declaration.declare(
            enterprise=enterprise,
            standard_number=standard_number,
            title=title,
            product=product,
            indicators=indicators,
            disclosed_on=disclosed_on,
            committed=committed,
            actor=actor,
            at=self.now(),
        )
        return self.commit(declaration)

    def _owned(
        self, actor: Actor, declaration_id: str, action: str, expected_version: int | None
    ) -> Declaration:
        check_role(actor, action)
        declaration = self.load(Declaration, declaration_id, "declaration", expected_version)
        code = declaration.enterprise.credit_code
        check_subject(actor, code, f"declarations of {code}")
        return declaration

    def revise_declaration(
        self,
        actor: Actor,
        declaration_id: str,
        *,
        title: str,
        product: Product,
        indicators: dict[str, Decimal],
        disclosed_on: date,
        committed: bool = True,
        expected_version: int | None = None,
    ) -> Receipt:
        declaration = self._owned(actor, declaration_id, "revise_declaration", expected_version)
        declaration.revise(
            title=title,
            product=product,
            indicators=indicators,
            disclosed_on=disclosed_on,
            committed=committed,
            actor=actor,
            at=self.now(),
        )
        return self.commit(declaration)

    def withdraw_declaration(
        self,
        actor: Actor,
        declaration_id: str,
        *,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """Withdraw; every title the standard holds in force ends with it (rule 18)."""
        declaration = self._owned(actor, declaration_id, "withdraw_declaration", expected_version)
        now = self.now()
        declaration.withdraw(reason=reason, actor=actor, at=now)
        titles = [self.load(Candidacy, c, "candidacy") for c in declaration.title_ids]
        ended = [
            t for t in titles if t.end_for_withdrawal(declaration=declaration, actor=actor, at=now)
        ]
        return self.commit(declaration, *ended)

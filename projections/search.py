"""Search documents: one per enterprise, declaration, evaluation body and scheme.

Each document is the record's searchable fields, normalised (`domain.search_text`), and
their bigrams; `projections.search_queries` reads them. An enterprise's document holds
every name it has declared under, so a former name still finds it; a declaration's revision
rewrites its document. The work per event is one row written (an enterprise's row read
first, in bulk per batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.scheme import Scheme
from domain.search_text import document, grams
from projections.machinery.base import Projection, on
from projections.machinery.encoding import event_type
from projections.machinery.rows import Rows
from projections.tables import (
    search_bodies,
    search_declarations,
    search_enterprises,
    search_schemes,
)

DECLARED = Declaration.Declared.__qualname__
REVISED = Declaration.Revised.__qualname__


def indexed(fields: Iterable[str]) -> dict[str, Any]:
    """A document's `text` and `grams` columns."""
    text = document(fields)
    return {"text": text, "grams": grams(text)}


def enterprise_document(credit_code: str, names: Sequence[str]) -> dict[str, Any]:
    return indexed([*names, credit_code])


def declaration_document(
    standard_number: str, title: str, product_name: str, model: str
) -> dict[str, Any]:
    return indexed([standard_number, title, product_name, model])


class Search(Projection):
    """The search documents, kept current as records are made, revised and renamed."""

    name = "search"
    uses_rows = True
    tables = (search_enterprises, search_declarations, search_bodies, search_schemes)

    def prefetch(self, rows: Rows, events: Sequence[Any]) -> None:
        codes = [e.enterprise.credit_code for e in events if event_type(e) == DECLARED]
        rows.prefetch(search_enterprises, codes)
        revised = [str(e.originator_id) for e in events if event_type(e) == REVISED]
        rows.prefetch(search_declarations, revised)

    @on(Declaration.Declared)
    def declared(self, rows: Rows, e: Declaration.Declared, position: int) -> None:
        code, name, region = e.enterprise.credit_code, e.enterprise.name, e.enterprise.region
        known = rows.get(search_enterprises, code)
        if known is None:
            rows.insert(
                search_enterprises,
                dict(
                    credit_code=code,
                    name=name,
                    region=region,
                    names=[name],
                    **enterprise_document(code, [name]),
                ),
            )
        elif known["name"] != name or known["region"] != region:
            names = [n for n in known["names"] if n != name] + [name]
            rows.update(
                search_enterprises,
                code,
                name=name,
                region=region,
                names=names,
                **enterprise_document(code, names),
            )
        rows.insert(
            search_declarations,
            dict(
                id=str(e.originator_id),
                standard_number=e.standard_number,
                **declaration_document(e.standard_number, e.title, e.product.name, e.product.model),
            ),
        )

    @on(Declaration.Revised)
    def revised(self, rows: Rows, e: Declaration.Revised, position: int) -> None:
        key = str(e.originator_id)
        row = rows.get(search_declarations, key)
        if row is None:
            return
        document = declaration_document(
            row["standard_number"], e.title, e.product.name, e.product.model
        )
        rows.update(search_declarations, key, **document)

    @on(EvaluationBody.Registered)
    def registered(self, rows: Rows, e: EvaluationBody.Registered, position: int) -> None:
        rows.insert(search_bodies, dict(id=str(e.originator_id), **indexed([e.name])))

    @on(Scheme.Drafted)
    def drafted(self, rows: Rows, e: Scheme.Drafted, position: int) -> None:
        rows.insert(search_schemes, dict(id=str(e.originator_id), **indexed([e.title])))

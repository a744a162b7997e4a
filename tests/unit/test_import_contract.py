"""The contract type behind "the domain imports only the standard library and
eventsourcing.domain" (tests/import_contract.py) tells the allowed imports from the others."""

from __future__ import annotations

import grimp

from tests.import_contract import StandardLibraryOnlyContract, imported_name


def graph(*imports: tuple[str, str, str]) -> grimp.ImportGraph:
    """A graph of `domain.model` importing (squashed external root, line) pairs."""
    g = grimp.ImportGraph()
    g.add_module("domain")
    g.add_module("domain.model")
    g.add_module("domain.values")
    for external in {root for _, root, _ in imports if root != "domain.values"}:
        g.add_module(external, is_squashed=True)
    for number, (importer, imported, line) in enumerate(imports, start=1):
        g.add_import(importer=importer, imported=imported, line_number=number, line_contents=line)
    return g


def check(g: grimp.ImportGraph) -> list[str]:
    contract = StandardLibraryOnlyContract(
        name="domain",
        session_options={},
        contract_options={
            "source_modules": ["domain"],
            "allowed_modules": ["eventsourcing.domain"],
        },
    )
    result = contract.check(g, verbose=False)
    broken = [str(item["imported"]) for item in result.metadata["broken"]]
    assert result.kept == (not broken)
    return broken


def test_the_standard_library_eventsourcing_domain_and_own_modules_are_allowed() -> None:
    g = graph(
        ("domain.model", "eventsourcing", "from eventsourcing.domain import Aggregate"),
        ("domain.model", "domain.values", "from domain.values import Actor"),
    )
    assert check(g) == []


def test_other_eventsourcing_modules_and_third_party_packages_break_it() -> None:
    g = graph(
        ("domain.model", "eventsourcing", "from eventsourcing.persistence import Mapper"),
        ("domain.values", "pydantic", "import pydantic"),
        ("domain.values", "eventsourcing", "import eventsourcing.utils as utils"),
    )
    assert sorted(check(g)) == ["eventsourcing.persistence", "eventsourcing.utils", "pydantic"]


def test_the_imported_module_is_read_from_the_line() -> None:
    assert imported_name("from a.b import c", "a") == "a.b"
    assert imported_name("import a.b as c", "a") == "a.b"
    assert imported_name("import x, a.b as c", "a") == "a.b"

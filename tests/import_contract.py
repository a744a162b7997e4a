"""An import-linter contract type: the modules of a package import only the standard library,
the project itself and the external modules allowed by name (`eventsourcing.domain`).

import-linter squashes an external package into its root (`eventsourcing`), so its own
`forbidden` contract cannot tell `eventsourcing.domain` from `eventsourcing.persistence`;
this contract reads the import lines that grimp keeps instead.
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def imported_name(line: str, root: str) -> str:
    """The module of package `root` an import line names: `from a.b import c` -> `a.b`,
    `import x, a.b as c` -> `a.b`."""
    line = line.strip()
    if line.startswith("from "):
        return line.split()[1]
    names = [part.split(" as ")[0].strip() for part in line.removeprefix("import ").split(",")]
    return next((name for name in names if name.split(".")[0] == root), names[0])


def allowed(module: str, allowed_modules: set[str], own: set[str]) -> bool:
    root = module.split(".")[0]
    if root in sys.stdlib_module_names or root in own or root == "__future__":
        return True
    return any(module == name or module.startswith(name + ".") for name in allowed_modules)


class StandardLibraryOnlyContract(Contract):
    """`source_modules` import only the standard library, first-party modules and
    `allowed_modules` (full dotted names; a package allows its submodules)."""

    type_name = "standard_library_only"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    allowed_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        permitted: set[str] = set(self.allowed_modules or [])  # type: ignore[arg-type]
        own = {m.name.split(".")[0] for m in self.source_modules}  # type: ignore[attr-defined]
        own |= {m for m in graph.modules if "." not in m and not graph.is_module_squashed(m)}
        broken: list[dict[str, object]] = []
        for source in self.source_modules:  # type: ignore[attr-defined]
            modules = {source.name} | graph.find_descendants(source.name)
            for importer in sorted(modules):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if not graph.is_module_squashed(imported):
                        continue  # first-party: the layers contract judges those
                    for detail in graph.get_import_details(importer=importer, imported=imported):
                        name = imported_name(str(detail["line_contents"]), imported)
                        if not allowed(name, permitted, own):
                            broken.append({**detail, "imported": name})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            output.print_error(
                f"{item['importer']}:{item['line_number']} imports {item['imported']}",
                bold=False,
            )
            output.new_line()

"""docs/rules.md: every rule names one place that enforces it, and tests that exist."""

from __future__ import annotations

import ast
import importlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from registry.permissions import PERMISSIONS, READ_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "docs" / "rules.md"
HEADING = re.compile(r"^## Rule (\d+)\. (.+)$")
PLACE = re.compile(r"^Enforced in: `([\w.]+)::([\w.]+)`$")
TEST = re.compile(r"^- `(tests/[\w/]+\.py)::(test_\w+)`$")


@dataclass
class Rule:
    number: int
    title: str
    places: list[tuple[str, str]]
    tests: list[tuple[str, str]]


def parse(text: str) -> list[Rule]:
    """The rules of the rulebook, in their order, with what each entry names."""
    rules: list[Rule] = []
    for line in text.splitlines():
        if heading := HEADING.match(line):
            rules.append(Rule(int(heading[1]), heading[2], [], []))
        elif rules and (place := PLACE.match(line)):
            rules[-1].places.append((place[1], place[2]))
        elif rules and (test := TEST.match(line)):
            rules[-1].tests.append((test[1], test[2]))
    return rules


RULES = parse(RULEBOOK.read_text(encoding="utf-8"))
IDS = [f"rule-{rule.number}" for rule in RULES]


@cache
def defined_tests(path: str) -> frozenset[str]:
    """The test functions a test module defines at its top level."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    )


def test_the_rules_are_numbered_from_one_without_gaps() -> None:
    assert [rule.number for rule in RULES] == list(range(1, len(RULES) + 1))
    assert len(RULES) >= 10  # the programme's own ten, at least


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_each_rule_has_exactly_one_enforcing_place_that_exists(rule: Rule) -> None:
    assert len(rule.places) == 1, f"rule {rule.number} must name one place"
    module_name, qualified = rule.places[0]
    found: object = importlib.import_module(module_name)
    for part in qualified.split("."):
        assert hasattr(found, part), f"rule {rule.number}: {module_name}::{qualified} not found"
        found = getattr(found, part)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_each_rule_lists_tests_that_exist(rule: Rule) -> None:
    assert rule.tests, f"rule {rule.number} lists no test"
    for path, name in rule.tests:
        assert (ROOT / path).is_file(), f"rule {rule.number}: no test module {path}"
        assert name in defined_tests(path), f"rule {rule.number}: no {path}::{name}"


def test_a_broken_entry_is_caught() -> None:
    """The checks above can fail: an entry without a place or tests parses as such."""
    (rule,) = parse("## Rule 1. Something\n\nEnforced in: nowhere\n\nTests:\n- none\n")
    assert (rule.places, rule.tests) == ([], [])
    assert "test_missing" not in defined_tests("tests/unit/test_rulebook.py")


def test_code_and_tests_cite_only_rules_of_the_rulebook() -> None:
    """Every "rule N" cited in the code and the tests is a rule of the rulebook."""
    known = {rule.number for rule in RULES}
    cited = re.compile(r"\brules? (\d+)(?: and (\d+))?", re.IGNORECASE)
    for folder in ("domain", "registry", "service", "projections", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in cited.finditer(path.read_text(encoding="utf-8")):
                numbers = {int(n) for n in match.groups() if n}
                assert numbers <= known, f"{path.relative_to(ROOT)} cites {match[0]!r}"


FEE_WORDS = re.compile(r"\b(fee|fees|price|charge|payment|invoice)\b", re.IGNORECASE)


def test_the_registry_has_no_fee_concept() -> None:
    """Rule 10: no action of the registry and no field or path of its API is about a fee."""
    actions = [*PERMISSIONS, *READ_PERMISSIONS]
    assert not [a for a in actions if FEE_WORDS.search(a.replace("_", " "))]
    document = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    names: list[str] = list(document["paths"])

    def collect(node: object) -> None:
        if isinstance(node, dict):
            names.extend(str(key) for key in node.get("properties", {}))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert len(names) > 50  # the document was read
    assert not [n for n in names if FEE_WORDS.search(n.replace("_", " ").replace("/", " "))]

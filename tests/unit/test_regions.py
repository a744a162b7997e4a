"""Rule 19: region codes are real GB/T 2260 divisions, and a list's region is of its level."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.regions import divisions, list_region_problem, region_problem
from domain.values import Enterprise
from tests.unit.aggregates import new_scheme
from tests.worlds import credit_code


def test_the_table_holds_every_level_and_names_it() -> None:
    table = divisions()
    assert (table["120000"], table["120100"], table["120101"]) == ("天津市", "市辖区", "和平区")
    assert (table["440300"], table["810000"]) == ("深圳市", "香港特别行政区")
    assert sum(code.endswith("0000") for code in table) == 34
    assert "000000" not in table and "999999" not in table


@pytest.mark.parametrize("code", ["999999", "120199", "000000", "12000", "１２００００", "12000a"])
def test_a_code_outside_the_table_is_refused(code: str) -> None:
    assert region_problem(code) is not None


@pytest.mark.parametrize(
    ("level", "region", "accepted"),
    [
        ("national", "000000", True),
        ("national", "120000", False),  # a province's code on a national list
        ("provincial", "120000", True),
        ("provincial", "120101", False),  # a district's code on a provincial list
        ("provincial", "440300", False),  # a city's
        ("provincial", "990000", False),  # of the right shape, but no province
        ("provincial", "000000", False),
        ("municipal", "440300", True),
        ("municipal", "120100", True),  # a municipality's own city-level code
        ("municipal", "440000", False),  # a province's
        ("municipal", "440305", False),  # a district's
        ("municipal", "449900", False),  # no such city
    ],
)
def test_a_list_region_is_of_its_level(level: str, region: str, accepted: bool) -> None:
    assert (list_region_problem(level, region) is None) is accepted
    if accepted:
        assert new_scheme(level=level, region=region).region == region
    else:
        with pytest.raises(InvalidInput) as refused:
            new_scheme(level=level, region=region)
        assert refused.value.field == "region"


@pytest.mark.parametrize("region", ["999999", "000000", "120199"])
def test_an_enterprise_region_must_exist(region: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Enterprise(credit_code(1), "Maker", region)
    assert refused.value.field == "enterprise.region"
    assert Enterprise(credit_code(1), "Maker", "120101").region == "120101"

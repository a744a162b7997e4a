"""A regulator's jurisdiction: the administrative region whose lists it may act on.

A region code (GB/T 2260, six digits) names a province (`XX0000`), a city (`XXXX00`) or a
district; `000000` is the nation. A jurisdiction covers its own region and every region
below it: the nation all, a province `XX****`, a city `XXXX**`, a district itself.
"""

from __future__ import annotations

from domain.errors import NotPermitted
from domain.regions import NATIONAL_REGION

NATIONAL = NATIONAL_REGION  # the whole country: a national regulator's jurisdiction


class OutsideJurisdiction(NotPermitted):
    """The regulator's region does not cover the list the record is on."""


def jurisdiction_prefix(jurisdiction: str) -> str:
    """The leading digits every region the jurisdiction covers starts with ("" for all)."""
    if jurisdiction == NATIONAL:
        return ""
    if jurisdiction.endswith("0000"):
        return jurisdiction[:2]
    if jurisdiction.endswith("00"):
        return jurisdiction[:4]
    return jurisdiction


def covers(jurisdiction: str, region: str) -> bool:
    """Whether a regulator of `jurisdiction` may act on a list of `region`."""
    return region.startswith(jurisdiction_prefix(jurisdiction))


def credit_code_region(credit_code: str) -> str:
    """The region of an enterprise's registration: characters 3 to 8 of its unified social
    credit code (GB 32100-2015), what a report about an enterprise falls under."""
    return credit_code[2:8]


def check_jurisdiction(jurisdiction: str, region: str, what: str) -> None:
    """Refuse unless `jurisdiction` covers `region` (a national list is `000000`)."""
    if not covers(jurisdiction, region):
        raise OutsideJurisdiction(
            f"a regulator of region {jurisdiction} may not act on {what} of region {region}"
        )

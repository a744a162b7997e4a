"""The limits of `domain.limits`, at their edges, and the domain refusing past them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import String, Text

from domain import limits
from domain.credential import Credential, InvalidCredential
from domain.values import Actor
from projections.tables import metadata

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FAR_WEST, FAR_EAST = timezone(timedelta(hours=-14)), timezone(timedelta(hours=14))


def test_moments_are_bounded_in_utc_whatever_their_offset() -> None:
    latest, earliest = limits.LATEST_MOMENT, limits.EARLIEST_MOMENT
    assert limits.moment_problem(latest.astimezone(FAR_EAST)) is None
    assert limits.moment_problem(earliest.astimezone(FAR_WEST)) is None
    past_latest = (latest + timedelta(microseconds=1)).astimezone(FAR_EAST)
    before_earliest = (earliest - timedelta(microseconds=1)).astimezone(FAR_WEST)
    for outside in (past_latest, before_earliest, datetime(9999, 12, 31, 23, 59, tzinfo=FAR_WEST)):
        assert limits.moment_problem(outside) is not None
    assert limits.moment_problem(datetime(2026, 1, 1)) == "must state its UTC offset"
    # The registry adds at most MAX_VALIDITY_DAYS to a moment: still a datetime.
    assert latest + timedelta(days=limits.MAX_VALIDITY_DAYS) < datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "digits"),
    [("9" * 40, 40), ("1E+39", 40), ("0." + "0" * 38 + "1", 40), ("0E-39", 40), ("-0.5", 2)],
)
def test_a_decimal_of_at_most_max_digits_written_out_is_accepted(text: str, digits: int) -> None:
    assert len(format(Decimal(text), "f").lstrip("-").replace(".", "")) == digits
    assert limits.decimal_problem(Decimal(text)) is None


@pytest.mark.parametrize("text", ["9" * 41, "1E+40", "0E-40", "0E+999999999", "NaN", "Infinity"])
def test_a_decimal_past_max_digits_or_not_finite_is_refused(text: str) -> None:
    assert limits.decimal_problem(Decimal(text)) is not None


def test_characters_that_no_store_can_hold_or_that_hide_are_refused() -> None:
    assert limits.character_problem("\U00020000 名 é") is None
    assert limits.character_problem("a\nb", lines=True) is None
    for bad in ("a\x00b", "a\nb", "a\u202eb", "a\u200bb", "a\ud800b"):
        assert limits.character_problem(bad) is not None, repr(bad)


def issue(**changes: object) -> Credential:
    arguments: dict[str, object] = {
        "token": "t",
        "role": "regulator",
        "subject": "Tianjin AMR",
        "label": "",
        "expires_at": None,
        "actor": Actor("admin", "ops"),
        "at": NOW,
    }
    return Credential.issue(**(arguments | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "\U00020000" * (limits.MAX_NAME + 1)),
        ("label", "x" * (limits.MAX_LABEL + 1)),
        ("subject", "a\u202eb"),
        ("expires_at", datetime(9999, 12, 31, 23, 59, 59, tzinfo=FAR_WEST)),
    ],
)
def test_a_credential_past_a_limit_is_refused_by_the_domain(field: str, value: object) -> None:
    # The command line reaches the domain without a request schema in between.
    with pytest.raises(InvalidCredential) as refused:
        issue(**{field: value})
    assert refused.value.field == field


def test_a_credential_at_its_limits_is_issued() -> None:
    wide = "\U00020000" * limits.MAX_NAME
    latest = limits.LATEST_MOMENT.astimezone(FAR_EAST)
    credential = issue(subject=wide, label=wide, expires_at=latest)
    assert (credential.subject, credential.expires_at) == (wide, latest)


# Columns whose width is a rule besides ids (`id`, `*_id`) and roles (`*_role`): codes,
# enumerations, and the audit key's origin (set by the operator's `audit keys` command,
# never projected from a request).
RULE_WIDTHS = {
    "projection", "replaces", "replaced_by", "aggregate_type", "event_type", "request_id",
    "credit_code", "kind", "status", "region", "category", "disclosed_on", "level",
    "enterprise_region", "scheme_region", "complainant_kind", "grounds", "role", "key_id",
    "name", "code",
    "target_kind", "target", "duplicate_of",  # a report's: what it is about (an id or a code)
}  # fmt: skip


def rule_bound(column: str) -> bool:
    return column == "id" or column.endswith(("_id", "_role")) or column in RULE_WIDTHS


def test_only_columns_whose_width_is_a_rule_have_a_width() -> None:
    widths = {
        (table.name, column.name): column.type.length
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String) and not isinstance(column.type, Text)
    }
    assert [key for key in widths if not rule_bound(key[1])] == []
    assert widths[("audit_keys", "name")] and ("bodies", "name") not in widths
    categories = [width for (_, column), width in widths.items() if column == "category"]
    categories.append(widths[("categories", "code")])  # the catalogue's code
    assert set(categories) == {limits.MAX_CATEGORY_CODE}

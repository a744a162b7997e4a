"""The request field types (defined with the declaration request in `registry.inputs`),
the plain reason body and the write receipts."""

from __future__ import annotations

from pydantic import BaseModel

from registry.inputs import (
    CategoryCode,
    CreditCode,
    Day,
    Dec,
    IndicatorCode,
    IndicatorValues,
    Label,
    Moment,
    Name,
    Region,
    Request,
    RequiredText,
    Text,
    Unit,
)

__all__ = [
    "MAX_POSITION",
    "CategoryCode",
    "CredentialReceiptOut",
    "CreditCode",
    "Day",
    "Dec",
    "IndicatorCode",
    "IndicatorValues",
    "Label",
    "Moment",
    "Name",
    "Reason",
    "ReceiptOut",
    "Region",
    "Request",
    "RequiredText",
    "Text",
    "Unit",
]

# Positions and offsets are 64-bit signed integers in both stores.
MAX_POSITION = 2**63 - 1


class Reason(Request):
    reason: RequiredText


class ReceiptOut(BaseModel):
    """A write's receipt: the record's id and the event-log position that recorded it."""

    id: str
    position: int


class CredentialReceiptOut(ReceiptOut):
    """The token is shown here once and never again."""

    token: str

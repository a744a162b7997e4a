"""The stored form of a `Declaration.Declared` event, written without the aggregate (the
importer's fast path)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder
from eventsourcing.utils import get_topic

from domain.declaration import Declaration
from domain.values import Actor, Enterprise, Product

DECLARED_TOPIC = get_topic(Declaration.Declared)


def _hole(name: str) -> str:
    """A placeholder string that JSON encodes unchanged, in quotes, in both ASCII modes."""
    return f"<<hole:{name}>>"


class DeclaredEncoder:
    """The stored state of `Declaration.Declared` events, built without the aggregate.

    `Declaration.declare` + `Application.save` create the aggregate and its event, copy the
    event's attributes and let the JSON encoder call back into the transcoder for each value
    object; that costs more than the validation itself. Here the application's own JSON
    encoder encodes, once, the state's shape (the transcoder's `{"_type_", "_data_"}` for
    each value object, the constant topic and actor) with a placeholder for each varying
    value; each record then fills the placeholders with its values quoted as that encoder
    quotes strings. The bytes are those the mapper writes (`Importer` checks it on a sample
    when it starts, the tests on many). Plain data, so it can be sent to worker processes;
    compression or encryption, if configured, is the importer's to apply afterwards.
    """

    # The varying values, in the order the event's attributes put them.
    HOLES = (
        "at",
        "credit_code",
        "name",
        "region",
        "standard_number",
        "title",
        "product_name",
        "model",
        "category",
        "indicators",
        "disclosed_on",
    )

    def __init__(self, transcoder: JSONTranscoder, actor: Actor) -> None:
        types = transcoder.types
        encoder = transcoder.encoder
        fields = (
            tuple(f.name for f in dataclasses.fields(Enterprise)),
            tuple(f.name for f in dataclasses.fields(Product)),
        )
        if fields != (("credit_code", "name", "region"), ("name", "model", "category")):
            raise ValueError("the value objects changed: update DeclaredEncoder")
        if encoder.sort_keys:
            raise ValueError("sorted keys: DeclaredEncoder writes the attributes' order")
        # The function the JSON encoder quotes strings with (dict keys as well).
        self.quote: Callable[[str], str] = (
            json.encoder.encode_basestring_ascii
            if encoder.ensure_ascii
            else json.encoder.encode_basestring
        )
        self.item, self.key = encoder.item_separator, encoder.key_separator

        def tagged(kind: type[Any], data: Any) -> dict[str, Any]:
            return {"_type_": types[kind].name, "_data_": data}

        h = _hole
        shape = {  # = dict(vars(event)) without the id and version, as the mapper sees it
            "timestamp": tagged(datetime, h("at")),
            "originator_topic": get_topic(Declaration),
            "enterprise": tagged(
                Enterprise,
                {"credit_code": h("credit_code"), "name": h("name"), "region": h("region")},
            ),
            "standard_number": h("standard_number"),
            "title": h("title"),
            "product": tagged(
                Product, {"name": h("product_name"), "model": h("model"), "category": h("category")}
            ),
            "indicators": h("indicators"),
            "disclosed_on": tagged(date, h("disclosed_on")),
            "actor": tagged(Actor, types[Actor].encode(actor)),  # the same on every event
        }
        parts = re.split(r'"<<hole:(\w+)>>"', encoder.encode(shape))
        if tuple(parts[1::2]) != self.HOLES:
            raise ValueError("unexpected event shape: update DeclaredEncoder")
        self.pieces = parts[0::2]  # the constant text around the holes
        # An indicator value: `{"_type_":"decimal_str","_data_":` + its quoted text + `}`.
        decimal = encoder.encode(tagged(Decimal, h("value")))
        self.decimal_prefix = decimal.split(f'"{h("value")}"')[0]

    def state(
        self,
        *,
        at: datetime,
        enterprise: Enterprise,
        standard_number: str,
        title: str,
        product: Product,
        indicators: dict[str, Decimal],
        disclosed_on: date,
    ) -> bytes:
        """The transcoded state (UTF-8 JSON), as the application's mapper encodes it."""
        q, p = self.quote, self.pieces
        # {"code":{"_type_":"decimal_str","_data_":"1.5"},...}, as the encoder writes a dict
        values = (
            "{"
            + self.item.join(
                f"{q(code)}{self.key}{self.decimal_prefix}{q(str(value))}}}"
                for code, value in indicators.items()
            )
            + "}"
        )
        text = "".join(
            (
                p[0],
                q(at.isoformat()),
                p[1],
                q(enterprise.credit_code),
                p[2],
                q(enterprise.name),
                p[3],
                q(enterprise.region),
                p[4],
                q(standard_number),
                p[5],
                q(title),
                p[6],
                q(product.name),
                p[7],
                q(product.model),
                p[8],
                q(product.category),
                p[9],
                values,
                p[10],
                q(disclosed_on.isoformat()),
                p[11],
            )
        )
        return text.encode("utf8")

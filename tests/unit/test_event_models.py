"""The event feed's models cover every public event the domain can record."""

from __future__ import annotations

import importlib
import pkgutil

from eventsourcing.domain import Aggregate

import domain
from projections.machinery.encoding import PRIVATE_AGGREGATES
from service.schemas.events import EVENT_MODELS, PUBLIC_AGGREGATES, event_classes


def domain_aggregates() -> set[type]:
    """Every aggregate class the domain package defines."""
    for module in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"domain.{module.name}")
    found: set[type] = set()
    pending = list(Aggregate.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain."):
            found.add(cls)
    return found


def test_every_public_aggregate_has_its_events_typed() -> None:
    public = {a for a in domain_aggregates() if a.__name__ not in PRIVATE_AGGREGATES}
    assert public == set(PUBLIC_AGGREGATES), "list it in service/schemas/events.py"


def test_each_event_model_has_the_event_s_fields_but_its_envelope_and_actor() -> None:
    models = {m.__name__: m for m in EVENT_MODELS}
    for aggregate in PUBLIC_AGGREGATES:
        for cls in event_classes(aggregate):
            model = models[f"{aggregate.__name__}{cls.__name__}Event"]
            data = model.model_fields["data"].annotation
            assert data is not None
            names = set(vars(cls)["__dataclass_fields__"])
            expected = names - {"originator_id", "originator_version", "timestamp"}
            expected -= {"originator_topic", "actor"}
            assert set(data.model_fields) == expected, cls

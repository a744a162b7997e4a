"""Checking records by the API's and the domain's rules, here or in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from cli.importing.encoder import DeclaredEncoder
from cli.importing.formats import parse_jsonl
from domain.declaration import Declaration, check_content, standard_number_of
from domain.errors import DomainError
from domain.values import Actor
from registry.inputs import Declare
from registry.permissions import check_subject


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass(frozen=True)
class Checked:
    """A batch after validation: the accepted records' (id, transcoded state), in file
    order, and the rejected lines."""

    lines: int
    rows: list[tuple[UUID, bytes]]
    rejected: list[Rejected]


# A batch of lines to check: parsed records, or ("jsonl") JSON texts to parse first.
Chunk = tuple[str, list[tuple[int, Any]]]


def _where(location: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in location) or "record"


def explain(error: ValidationError) -> str:
    """The API's 422 details, one line: `field: message; field: message`."""
    return "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in error.errors())


@dataclass(frozen=True)
class Checker:
    """Validation of records by the API's and the domain's rules, and their stored state."""

    actor: Actor
    clock: Callable[[], datetime]
    encoder: DeclaredEncoder

    def record(self, record: dict[str, Any]) -> tuple[UUID, bytes]:
        """What `Importer._declaration` + the mapper give, the same checks in the same order
        (`Declaration.declare` checks `check_content`, then creates the event): the same
        public checks, the domain's (`Enterprise` checks its codes when built)."""
        payload = Declare.model_validate(record)
        enterprise = payload.enterprise.to_domain()
        check_subject(self.actor, enterprise.credit_code, f"enterprise {enterprise.credit_code}")
        product = payload.product.to_domain()
        at = self.clock()
        check_content(payload.indicators, payload.disclosed_on, payload.commitment, at)
        standard_number = standard_number_of(payload.standard_number)
        originator_id = Declaration.create_id(enterprise, standard_number)
        state = self.encoder.state(
            at=at,
            enterprise=enterprise,
            standard_number=standard_number,
            title=payload.title,
            product=product,
            indicators=dict(payload.indicators),
            disclosed_on=payload.disclosed_on,
        )
        return originator_id, state

    def check(self, chunk: Chunk) -> Checked:
        return check_chunk(chunk, self.record)


def check_chunk(chunk: Chunk, stored: Callable[[Any], tuple[UUID, bytes]]) -> Checked:
    """Each record of the chunk as (id, stored state) by `stored`, or rejected with why."""
    kind, items = chunk
    rows: list[tuple[UUID, bytes]] = []
    rejected: list[Rejected] = []
    for item in items:
        number, record = parse_jsonl(*item) if kind == "jsonl" else item
        if isinstance(record, str):
            rejected.append(Rejected(number, record))
            continue
        try:
            rows.append(stored(record))
        except ValidationError as error:
            rejected.append(Rejected(number, explain(error)))
        except DomainError as error:
            where = f"{error.field}: " if error.field else ""
            rejected.append(Rejected(number, where + error.message))
    return Checked(len(items), rows, rejected)


# Worker processes: the checker is sent once, then each task is one chunk.
_WORKER: dict[str, Checker] = {}


def worker_start(checker: Checker) -> None:
    _WORKER["checker"] = checker


def worker_check(chunk: Chunk) -> Checked:
    return _WORKER["checker"].check(chunk)

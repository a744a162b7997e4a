"""Bulk import of the national platform's declarations: checking, de-duplicating, appending.

Each record is checked by the same rules as `POST /v1/declarations` (the request model both
accept, `registry.inputs.Declare`: credit code per GB 32100-2015, region and category codes,
names without control characters, finite indicator values...) and by the domain's public
checks that `Declaration.declare` applies (`Enterprise`: credit code and region, rule 11;
`check_content`: the commitment, no disclosure date in the future, rule 12). Records already
in the store (declaration ids are deterministic: credit code + standard number) are skipped,
checked in bulk, one query per batch. Each batch of new declarations is appended in one
transaction; if that fails on an integrity error (a duplicate inside the
batch, or a concurrent writer that declared the same standard first), the batch is appended
again one declaration at a time, so a duplicate never costs the others their place.

The file formats are in `cli/importing/formats.py`.

Speed (3.2 million declarations in minutes): the generic aggregate machinery and the
mapper's per-object transcoding callbacks cost more than the validation itself, so each
accepted record goes straight to the stored form of its `Declaration.Declared` event
(`DeclaredEncoder`: the same topic, id, version and state bytes as
`Declaration.declare` + the application's mapper; checked against them when the importer
starts, and by the tests). On PostgreSQL a batch is written with COPY inside the
recorder's own transaction shape (its EXCLUSIVE table lock and NOTIFY), instead of the
recorder's composite-array INSERT whose parameters psycopg dumps in Python. A writer thread
appends batch N while the next batch is validated; `workers` > 0 validates in that many
processes as well.
"""

from __future__ import annotations

import multiprocessing
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, StoredEvent

from cli.importing.appending import Writer, copy_events, existing_ids
from cli.importing.checking import (
    Checked,
    Checker,
    Chunk,
    Rejected,
    check_chunk,
    worker_check,
    worker_start,
)
from cli.importing.encoder import DECLARED_TOPIC, DeclaredEncoder
from cli.importing.formats import Line
from domain.declaration import Declaration
from domain.values import Actor, Enterprise, Product
from registry.base import RegistryBase
from registry.inputs import Declare
from registry.permissions import check_role, check_subject


@dataclass
class ImportSummary:
    """What an import did. `skipped` counts declarations that were already recorded."""

    imported: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    batches: int = 0
    fallbacks: int = 0  # batches appended one by one after an integrity error
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return self.imported + self.skipped + len(self.rejected)

    @property
    def rate(self) -> float:
        """Records handled a second."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


class Importer:
    """Validates, de-duplicates and appends declarations, one transaction per batch.

    `workers` > 0 validates in that many processes (spawned; the clock must be picklable,
    as `registry.base.utc_now` is); 0 validates in this process, overlapping with the
    writer thread's appends.
    """

    def __init__(
        self,
        registry: RegistryBase,
        actor: Actor,
        *,
        batch: int = 1000,
        workers: int = 0,
        progress: Callable[[int], None] = lambda _: None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        if workers < 0:
            raise ValueError("workers must be at least 0")
        check_role(actor, "declare")
        self.registry = registry
        self.actor = actor
        self.batch = batch
        self.workers = workers
        self.progress = progress
        mapper: Mapper[UUID] = registry.mapper
        self.mapper = mapper
        self.topic = DECLARED_TOPIC
        self.checker: Checker | None = None
        transcoder = mapper.transcoder
        try:
            if not isinstance(transcoder, JSONTranscoder):
                raise TypeError(f"{type(transcoder).__name__} is not a JSONTranscoder")
            # The clock itself (not `registry.now`), so the checker pickles for workers.
            checker = Checker(actor, registry.clock, DeclaredEncoder(transcoder, actor))
            if self._verify(checker):
                self.checker = checker
        except (TypeError, ValueError, KeyError):  # a transcoding or a shape it lacks
            pass
        if self.checker is None:
            warnings.warn(
                "the fast import path does not match this application's event encoding; "
                "importing through the aggregates (slower)",
                RuntimeWarning,
                stacklevel=2,
            )

    # The reference path: exactly what `POST /v1/declarations` does.
    def _declaration(self, record: dict[str, Any]) -> Declaration:
        """The declaration as `POST /v1/declarations` would record it, or an error."""
        payload = Declare.model_validate(record)
        enterprise = payload.enterprise.to_domain()
        check_subject(self.actor, enterprise.credit_code, f"enterprise {enterprise.credit_code}")
        return Declaration.declare(
            enterprise=enterprise,
            standard_number=payload.standard_number,
            title=payload.title,
            product=payload.product.to_domain(),
            indicators=payload.indicators,
            disclosed_on=payload.disclosed_on,
            committed=payload.commitment,
            actor=self.actor,
            at=self.registry.now(),
        )

    def _stored(self, originator_id: UUID, state: bytes) -> StoredEvent:
        """The stored event, compressed and encrypted as the mapper would."""
        if self.mapper.compressor:
            state = self.mapper.compressor.compress(state)
        if self.mapper.cipher:
            state = self.mapper.cipher.encrypt(state)
        return StoredEvent(originator_id, 1, self.topic, state)

    def _verify(self, checker: Checker) -> bool:
        """Does the fast path store what the aggregate and the mapper store? (One sample with
        non-ASCII text, quotes, escapes and varied decimals; the tests check many more.)"""
        sample = Declaration.declare(
            enterprise=Enterprise("91350100M000100Y43", '厦门"测试"\\电器 有限公司', "350200"),
            standard_number="Q/XM 0001-2025",
            title="家用电冰箱 — “能效” ✓\t",
            product=Product(name="Fridge\u2028plus", model="", category="C3851"),
            indicators={
                "eei": Decimal("41.50"),
                "noise": Decimal(37),
                "x_1": Decimal("-0.000"),
                "big": Decimal("1E+5"),
            },
            disclosed_on=date(2020, 2, 29),
            committed=True,
            actor=self.actor,
            at=self.registry.now(),
        )
        event: Any = sample.collect_events()[0]
        state = checker.encoder.state(
            at=event.timestamp,
            enterprise=event.enterprise,
            standard_number=event.standard_number,
            title=event.title,
            product=event.product,
            indicators=event.indicators,
            disclosed_on=event.disclosed_on,
        )
        return self._stored(sample.id, state) == self.mapper.to_stored_event(event)

    # Running ------------------------------------------------------------------------------
    def run(self, lines: Iterable[Line]) -> ImportSummary:
        """Import parsed lines (as `read_lines` yields them)."""
        return self._run(("lines", chunk) for chunk in batched(lines, self.batch))

    def run_jsonl(self, texts: Iterable[tuple[int, str]]) -> ImportSummary:
        """Import JSON Lines texts, parsed where they are checked (maybe in the workers)."""
        return self._run(("jsonl", chunk) for chunk in batched(texts, self.batch))

    def _run(self, chunks: Iterable[Chunk]) -> ImportSummary:
        summary = ImportSummary()
        started = time.monotonic()
        writer = Writer(lambda checked: self._write(checked, summary))
        writer.start()
        try:
            for checked in self._checked(chunks):
                summary.rejected.extend(checked.rejected)
                writer.put(checked)
        finally:
            writer.close()  # every batch handed over is written before returning
        summary.seconds = time.monotonic() - started
        return summary

    def _checked(self, chunks: Iterable[Chunk]) -> Iterator[Checked]:
        """The checked batches, in file order."""
        checker = self.checker
        if checker is None:
            yield from (self._check_slowly(chunk) for chunk in chunks)
            return
        if self.workers == 0:
            yield from (checker.check(chunk) for chunk in chunks)
            return
        # Spawned, not forked: a forked child would share the parent's database sockets.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=worker_start, initargs=(checker,)
        ) as pool:
            pending: deque[Future[Checked]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(worker_check, chunk))
                if len(pending) >= 2 * self.workers:  # bounded read-ahead
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def _check_slowly(self, chunk: Chunk) -> Checked:
        """The reference path, for an application whose encoding the fast path lacks."""
        return check_chunk(chunk, self._mapped)

    def _mapped(self, record: Any) -> tuple[UUID, bytes]:
        event = self._declaration(record).collect_events()[0]
        # Mapped here already (compressed and encrypted if so configured).
        return event.originator_id, self.mapper.to_stored_event(event).state

    # Writing ------------------------------------------------------------------------------
    def _write(self, checked: Checked, summary: ImportSummary) -> None:
        """Append a checked batch: new declarations only, the first of any duplicates."""
        first: dict[UUID, bytes] = {}
        for originator_id, state in checked.rows:
            first.setdefault(originator_id, state)  # a later duplicate in the batch: skipped
        known = existing_ids(self.registry, list(first))
        fresh = [(i, s) for i, s in first.items() if i not in known]
        summary.skipped += len(checked.rows) - len(fresh)
        if fresh:
            summary.batches += 1
            try:
                self._insert(fresh)
                summary.imported += len(fresh)
            except IntegrityError:
                # A concurrent writer declared one of them since the check: one by one,
                # so only its duplicates fail.
                summary.fallbacks += 1
                for row in fresh:
                    try:
                        self._insert([row])
                        summary.imported += 1
                    except IntegrityError:
                        summary.skipped += 1
        self.progress(checked.lines)

    def _insert(self, rows: list[tuple[UUID, bytes]]) -> None:
        """Append in one transaction, durably; IntegrityError if any id is taken."""
        stored = (
            [self._stored(i, s) for i, s in rows]
            if self.checker is not None
            else [StoredEvent(i, 1, self.topic, s) for i, s in rows]  # already mapped
        )
        from eventsourcing.postgres import PostgresApplicationRecorder

        recorder = self.registry.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            copy_events(recorder, stored)
        else:
            recorder.insert_events(stored)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk

"""Bulk import of the national platform's declarations: `leader-registry import FILE`.

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

Formats:

* ``jsonl``: one JSON object a line, shaped like the API's request body
  (``{"enterprise": {"credit_code", "name", "region"}, "standard_number", "title",
  "product": {"name", "model", "category"}, "indicators": {...}, "disclosed_on"}``), or
  flat with the CSV column names below;
* ``csv``: a header line, then the columns ``credit_code, enterprise_name, region,
  standard_number, title, product_name, product_model, category, indicators,
  disclosed_on`` and optionally ``commitment``; ``indicators`` holds a JSON object.

The platform publishes only declarations whose enterprise has committed that the data are
true, so ``commitment`` may be left out (it then means true); a false one is rejected.

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

import csv
import dataclasses
import json
import multiprocessing
import queue
import re
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic
from pydantic import ValidationError

from domain.declaration import Declaration, check_content, standard_number_of
from domain.errors import DomainError, InvalidInput
from domain.values import Actor, Enterprise, Product, Role
from registry.base import RegistryBase
from registry.inputs import Declare
from registry.permissions import check_role, check_subject

FORMATS = ("csv", "jsonl")
CSV_COLUMNS = (
    "credit_code",
    "enterprise_name",
    "region",
    "standard_number",
    "title",
    "product_name",
    "product_model",
    "category",
    "indicators",
    "disclosed_on",
    "commitment",
)
CSV_REQUIRED = frozenset(CSV_COLUMNS) - {"product_model", "commitment"}

# (line number, the record, or why it could not even be read)
Line = tuple[int, dict[str, Any] | str]


class ImportFileError(InvalidInput):
    """The file cannot be imported at all (missing, unknown format, bad CSV header)."""


def import_actor(path: str | Path) -> Actor:
    """The national platform's feed, naming the file it came from."""
    return Actor(role=Role.PLATFORM.value, subject=f"import:{Path(path).name}")


def guess_format(path: str | Path) -> str:
    return "csv" if Path(path).suffix.lower() == ".csv" else "jsonl"


# Reading --------------------------------------------------------------------------------
def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """A flat record (CSV columns) in the shape of the API's request body."""
    record: dict[str, Any] = {
        "enterprise": {
            "credit_code": flat.pop("credit_code", None),
            "name": flat.pop("enterprise_name", None),
            "region": flat.pop("region", None),
        },
        "product": {
            "name": flat.pop("product_name", None),
            "model": flat.pop("product_model", None) or "",
            "category": flat.pop("category", None),
        },
    }
    record.update(flat)  # standard_number, title, indicators, disclosed_on, commitment, extras
    return record


def _with_commitment(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("commitment") in (None, ""):
        record["commitment"] = True
    return record


def parse_jsonl(number: int, text: str) -> Line:
    """One JSON Lines record (or why it cannot be read), as `read_lines` yields it."""
    try:
        record = json.loads(text)
    except ValueError as error:
        return number, f"invalid JSON: {error}"
    if not isinstance(record, dict):
        return number, "each line must be a JSON object"
    if "enterprise" not in record and "credit_code" in record:
        record = _nested(record)
    return number, _with_commitment(record)


def _jsonl_texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line, unparsed."""
    with path.open(encoding="utf-8-sig") as lines:
        for number, text in enumerate(lines, start=1):
            if text.strip():
                yield number, text


def _jsonl_lines(path: Path) -> Iterator[Line]:
    for number, text in _jsonl_texts(path):
        yield parse_jsonl(number, text)


def _csv_lines(path: Path) -> Iterator[Line]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        unknown = [name for name in header if name not in CSV_COLUMNS]
        missing = sorted(CSV_REQUIRED - set(header))
        if unknown or missing:
            problems = []
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                problems.append(f"unknown column(s) {', '.join(unknown)}")
            raise ImportFileError(f"{path}: CSV header: {'; '.join(problems)}")
        reader.fieldnames = header
        start = reader.line_num + 1
        for row in reader:
            number, start = start, reader.line_num + 1
            if None in row:  # more cells than columns
                yield number, f"{len(header) + len(row[None])} cells for {len(header)} columns"
                continue
            flat: dict[str, Any] = dict(row)
            if flat.get("indicators") not in (None, ""):
                try:
                    flat["indicators"] = json.loads(flat["indicators"])
                except ValueError as error:
                    yield number, f"indicators: invalid JSON: {error}"
                    continue
            yield number, _with_commitment(_nested(flat))


def read_lines(path: str | Path, fmt: str | None = None) -> Iterator[Line]:
    """(line number, record or problem) for each record of the file, in file order."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    return _csv_lines(path) if fmt == "csv" else _jsonl_lines(path)


def count_records(path: str | Path, fmt: str | None = None) -> int:
    """How many records the file holds (a quick first pass, for the progress bar)."""
    path = Path(path)
    if (fmt or guess_format(path)) == "jsonl":
        with path.open("rb") as data:
            return sum(1 for line in data if line.strip())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


# Checking -------------------------------------------------------------------------------
def _where(location: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in location) or "record"


def explain(error: ValidationError) -> str:
    """The API's 422 details, one line: `field: message; field: message`."""
    return "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in error.errors())


# The fast path ----------------------------------------------------------------------------
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


@dataclass(frozen=True)
class Checked:
    """A batch after validation: the accepted records' (id, transcoded state), in file
    order, and the rejected lines."""

    lines: int
    rows: list[tuple[UUID, bytes]]
    rejected: list[Rejected]


# A batch of lines to check: parsed records, or ("jsonl") JSON texts to parse first.
Chunk = tuple[str, list[tuple[int, Any]]]


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


def _worker_start(checker: Checker) -> None:
    _WORKER["checker"] = checker


def _worker_check(chunk: Chunk) -> Checked:
    return _WORKER["checker"].check(chunk)


# Importing ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


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


def existing_ids(registry: RegistryBase, candidates: Sequence[UUID]) -> set[UUID]:
    """Which of these aggregates the store already holds, in one query where it can."""
    if not candidates:
        return set()
    recorder: Any = registry.recorder
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if table and datastore is not None and hasattr(datastore, "schema"):  # PostgreSQL
        from psycopg.sql import SQL, Identifier

        query = SQL(
            "SELECT originator_id FROM {}.{} WHERE originator_id = ANY(%s) "
            "AND originator_version = 1"
        ).format(Identifier(datastore.schema), Identifier(table))
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (list(candidates),))
            return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}
    if table and datastore is not None:  # SQLite keeps ids as hex strings
        found: set[UUID] = set()
        for start in range(0, len(candidates), 500):  # within SQLite's variable limit
            chunk = candidates[start : start + 500]
            marks = ",".join("?" * len(chunk))
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT originator_id FROM {table} "
                    f"WHERE originator_version = 1 AND originator_id IN ({marks})",
                    [c.hex for c in chunk],
                )
                found.update(UUID(str(row[0])) for row in cursor.fetchall())
        return found
    return {c for c in candidates if registry.exists(c)}  # any other recorder


class _Writer(threading.Thread):
    """Appends checked batches in order while the caller checks the next ones.

    The queue is short (memory stays bounded). After a failure it keeps draining, so the
    producer never blocks; the error is raised to the producer at its next `put`/`close`.
    """

    def __init__(self, write: Callable[[Checked], None]) -> None:
        super().__init__(name="import-writer", daemon=True)
        self.write = write
        self.queue: queue.Queue[Checked | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.write(item)
                except BaseException as error:  # noqa: BLE001 - handed to the producer
                    self.error = error

    def put(self, item: Checked) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self) -> None:
        """Wait for every queued batch to be written (or to fail)."""
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error


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
        return self._run(("lines", chunk) for chunk in _batched(lines, self.batch))

    def run_jsonl(self, texts: Iterable[tuple[int, str]]) -> ImportSummary:
        """Import JSON Lines texts, parsed where they are checked (maybe in the workers)."""
        return self._run(("jsonl", chunk) for chunk in _batched(texts, self.batch))

    def _run(self, chunks: Iterable[Chunk]) -> ImportSummary:
        summary = ImportSummary()
        started = time.monotonic()
        writer = _Writer(lambda checked: self._write(checked, summary))
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
            self.workers, mp_context=context, initializer=_worker_start, initargs=(checker,)
        ) as pool:
            pending: deque[Future[Checked]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(_worker_check, chunk))
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
            _copy_events(recorder, stored)
        else:
            recorder.insert_events(stored)


def _copy_events(recorder: Any, stored: Sequence[StoredEvent]) -> None:
    """The recorder's `insert_events`, with COPY (binary) in place of its INSERT.

    Same transaction shape: the EXCLUSIVE table lock (so notification ids are committed in
    order and no reader skips a gap), the NOTIFY that wakes subscribers, then the rows;
    the table's defaults give the notification ids as for an INSERT.
    """
    from psycopg.sql import SQL, Identifier

    datastore = recorder.datastore
    statement = SQL(
        "COPY {}.{} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
    ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
    # `get_connection` turns psycopg's IntegrityError into eventsourcing's.
    with datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
        recorder._lock_table(cursor)
        recorder._notify_channel(cursor)
        with cursor.copy(statement) as copy:
            copy.set_types([datastore.originator_id_type, "int8", "text", "bytea"])
            for event in stored:
                copy.write_row(
                    (event.originator_id, event.originator_version, event.topic, event.state)
                )


def analyze_events(registry: RegistryBase) -> None:
    """Refresh PostgreSQL's statistics of the event table after a bulk load.

    Without them (autovacuum off, or not yet run) the planner guesses hundreds of thousands
    of rows per aggregate id, and loading one aggregate became a parallel scan with JIT
    compilation: about 50 commands a second at 10 million events instead of 550.
    """
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    recorder = registry.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        return  # SQLite finds an aggregate's events by its primary key without statistics
    datastore = recorder.datastore
    table = Identifier(datastore.schema, recorder.events_table_name)
    with datastore.get_connection() as conn:
        conn.execute(SQL("ANALYZE {}").format(table))


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_rejects(path: str | Path, rejected: Sequence[Rejected]) -> Path:
    """`FILE.rejects`: one `line N: reason` a line, in file order (empty if none)."""
    target = Path(f"{path}.rejects")
    with target.open("w", encoding="utf-8") as out:
        for r in sorted(rejected, key=lambda r: r.line):
            out.write(f"line {r.line}: {r.reason}\n")
    return target


def import_file(
    registry: RegistryBase,
    path: str | Path,
    *,
    fmt: str | None = None,
    batch: int = 1000,
    workers: int = 0,
    show_progress: bool = True,
) -> ImportSummary:
    """Import a file of declarations as the platform's feed; writes `FILE.rejects`."""
    from tqdm import tqdm

    fmt = fmt or guess_format(path)
    lines = read_lines(path, fmt)  # checks the format and the file (and a CSV header)
    total = count_records(path, fmt) if show_progress else None
    with tqdm(
        total=total,
        unit=" decl",
        unit_scale=True,
        desc="import",
        disable=not show_progress,
        mininterval=0.5,
        smoothing=0.1,
    ) as bar:

        def advance(done: int) -> None:
            bar.update(done)

        importer = Importer(
            registry, import_actor(path), batch=batch, workers=workers, progress=advance
        )
        if fmt == "jsonl":
            summary = importer.run_jsonl(_jsonl_texts(Path(path)))
        else:
            summary = importer.run(lines)
    if summary.imported:
        analyze_events(registry)
    write_rejects(path, summary.rejected)
    return summary

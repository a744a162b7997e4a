"""Group commit: concurrent commands' events saved in one transaction, conflicts alone.

A command has already checked its rules against the state it loaded; what remains is to
append its events durably. Appending costs one transaction (and, on PostgreSQL, one
table lock), so commands arriving together are appended together. A batch never holds
two commands that touch the same aggregate; if the batch still fails (a command loaded a
state another process has since changed), each of its commands is appended on its own,
so only the stale one fails and the rest are committed as if nothing happened.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError, Recording

Save = Callable[..., list[Recording[Any]]]


@dataclass
class _Request:
    events: list[Any]
    done: Future[list[Recording[Any]]] = field(default_factory=Future)

    @property
    def aggregate_ids(self) -> set[Any]:
        return {e.originator_id for e in self.events}


class CommitBatcher:
    """Appends the events of concurrent commands in shared transactions, from one thread."""

    def __init__(self, save: Save, max_batch: int = 100) -> None:
        self.save = save
        self.max_batch = max_batch
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._held: _Request | None = None  # touched an aggregate already in the last batch
        self._thread = threading.Thread(target=self._run, name="commit-batcher", daemon=True)
        self._thread.start()

    def append(self, events: Sequence[Any]) -> list[Recording[Any]]:
        """Append one command's events durably; raises IntegrityError if it conflicts."""
        request = _Request(list(events))
        self._queue.put(request)
        return request.done.result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _next_batch(self) -> list[_Request] | None:
        first = self._held or self._queue.get()
        self._held = None
        if first is None:
            return None
        batch, touched = [first], set(first.aggregate_ids)
        while len(batch) < self.max_batch:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                break
            if request is None:
                self._queue.put(None)  # stop after this batch
                break
            if touched & request.aggregate_ids:
                self._held = request  # would conflict inside the batch: next one
                break
            batch.append(request)
            touched |= request.aggregate_ids
        return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._commit(batch)

    def _commit(self, batch: list[_Request]) -> None:
        if len(batch) > 1:
            try:
                recordings = self.save(*(e for r in batch for e in r.events))
            except IntegrityError:
                pass  # someone's state was stale: find out whose, one by one
            except Exception as error:  # noqa: BLE001 - re-raised in every waiting command
                for r in batch:
                    r.done.set_exception(error)
                return
            else:
                owner = {id(e): r for r in batch for e in r.events}
                mine: dict[int, list[Recording[Any]]] = {id(r): [] for r in batch}
                for recording in recordings:
                    mine[id(owner[id(recording.domain_event)])].append(recording)
                for r in batch:
                    r.done.set_result(mine[id(r)])
                return
        for r in batch:
            try:
                r.done.set_result(self.save(*r.events))
            except Exception as error:  # noqa: BLE001 - re-raised in the waiting command
                r.done.set_exception(error)

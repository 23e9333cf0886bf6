"""The request journal of a fleet: every replica's requests in the shared state (a capped SQLite
table, capped Redis streams), so ``/__admin/requests`` on any replica shows them all.

Entries are masked and encoded before they leave the process (the store never sees a secret),
so recording costs more than the memory journal's append: one masking, one orjson encoding, one
write. The same ``Journal`` interface: the admin routes cannot tell them apart.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from ..clock import MockClock
from ..gateway.call import Exchange
from ..gateway.routing import RouteMiss
from ..store import StateUnavailable
from ..store.base import JournalStore
from .record import Entry, _host_header, _masked, _trim


class SharedJournal:
    """The last ``size`` requests of the fleet, and its last ``size`` near misses."""

    def __init__(
        self, store: JournalStore, size: int, clock: MockClock, host_typo: Callable[[str | None], bool] | None = None
    ) -> None:
        self.store = store
        self.size = size
        self.clock = clock
        self.host_typo = host_typo

    def record(self, exchange: Exchange) -> None:
        _trim(exchange)
        miss = "miss" in exchange.notes or (self.host_typo is not None and self.host_typo(_host_header(exchange)))
        entry = orjson.dumps(_masked(0, exchange), default=str)
        with contextlib.suppress(StateUnavailable):  # the answer has gone already; the store logged the outage
            self.store.journal_append(entry, miss, self.size)

    def _read(self, *, misses: bool = False) -> Iterator[Entry]:
        """Newest first."""
        return (_entry(entry_id, data) for entry_id, data in self.store.journal(self.size, misses=misses))

    @property
    def entries(self) -> list[Entry]:
        return list(self._read())[::-1]

    @property
    def misses(self) -> list[Entry]:
        return list(self._read(misses=True))[::-1]

    def select(self, keep: Callable[[Entry], bool], limit: int | None = None) -> list[Entry]:
        """Matching entries, newest first."""
        return list(itertools.islice(filter(keep, self._read()), limit))

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        self.store.journal_clear()


def _entry(entry_id: int, data: bytes) -> Entry:
    fields: dict[str, Any] = orjson.loads(data)
    notes = fields["notes"]
    miss = notes.get("miss")
    if miss is not None:
        notes["miss"] = RouteMiss(miss["host"], miss["method"], miss["path"], tuple(miss["allowed"]))
    fields["id"] = entry_id
    return Entry(**fields)

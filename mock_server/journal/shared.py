"""The request journal of a fleet: every replica's requests in the shared state (a capped SQLite
table, capped Redis streams), so ``/__admin/requests`` on any replica shows them all.

Recording appends to a list, as the memory journal does; ``FLUSH_AFTER_S`` after the first of
them, the requests answered meanwhile are masked (the store never sees a secret), encoded with
orjson and written in one go, so under load one write carries a hundred entries. Reads on this
process write what is pending first; another replica sees an entry within ``FLUSH_AFTER_S`` of
the answer. Entries answered before a reset never land in the journal that follows it. The same
interface as ``Journal``: the admin routes cannot tell them apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from ..clock import MockClock
from ..gateway.call import Exchange
from ..gateway.routing import RouteMiss
from ..masking import mask_value
from ..store import StateUnavailable
from ..store.base import JournalStore
from .record import Entry, _host_header, _masked, _trim

FLUSH_AFTER_S = 0.02
ANSWER_STRING = 256  # characters of an answer's string a fleet's journal keeps (base64 media: their start)


class SharedJournal:
    """The last ``size`` requests of the fleet, and its last ``size`` near misses."""

    def __init__(
        self, store: JournalStore, size: int, clock: MockClock, host_typo: Callable[[str | None], bool] | None = None
    ) -> None:
        self.store = store
        self.size = size
        self.clock = clock
        self.host_typo = host_typo
        self._pending: list[tuple[int, Exchange]] = []

    def record(self, exchange: Exchange) -> None:
        self._pending.append((self.store.generation_seen(), exchange))
        if len(self._pending) == 1:
            try:
                asyncio.get_running_loop().call_later(FLUSH_AFTER_S, self.flush)
            except RuntimeError:  # no loop (a call from a test's thread): now
                self.flush()

    def flush(self) -> None:
        """Write what was recorded since the last flush, masked, in one go."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        by_generation: dict[int, list[tuple[bytes, bool]]] = {}
        for generation, exchange in pending:
            answer = _masked_answer(exchange)
            _trim(exchange)
            host_typo = self.host_typo is not None and self.host_typo(_host_header(exchange))
            entry = (orjson.dumps(_masked(0, exchange, answer), default=str), "miss" in exchange.notes or host_typo)
            by_generation.setdefault(generation, []).append(entry)
        with contextlib.suppress(StateUnavailable):  # the answers have gone already; the store logged the outage
            for generation, entries in by_generation.items():  # one generation, unless a reset came between
                self.store.journal_append(entries, self.size, generation)

    def _read(self, *, misses: bool = False) -> Iterator[Entry]:
        """Newest first."""
        self.flush()
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
        self._pending.clear()
        self.store.journal_clear()


def _masked_answer(exchange: Exchange) -> Any:
    """The answer's body masked from the value the gateway encoded, when it has one (not cut,
    parsed back and masked as the memory journal shows it), its strings cut at
    ``ANSWER_STRING``: a Get Result's four base64 media at 2 KB each made every entry 8.5 KB,
    which the fleet's replicas paid about 40 us per request to write."""
    value = exchange.response_value
    if value is None:
        return None
    exchange.response_body = b""  # shown from ``value``: nothing to cut
    return mask_value(value, longest=ANSWER_STRING)


def _entry(entry_id: int, data: bytes) -> Entry:
    fields: dict[str, Any] = orjson.loads(data)
    notes = fields["notes"]
    miss = notes.get("miss")
    if miss is not None:
        notes["miss"] = RouteMiss(miss["host"], miss["method"], miss["path"], tuple(miss["allowed"]))
    fields["id"] = entry_id
    return Entry(**fields)

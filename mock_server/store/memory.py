"""The in-memory store (``--state memory``, the default): plain dictionaries of the records
themselves, for one process. Nothing is encoded; a read returns the stored object.

Bounded by expiry, not by count: each record goes when its life ends (an access token when it
expires; a session ``retention`` after it finished, or a day after its page expired unfinished;
an SDK record ``retention`` after it was made; an SdkToken ``retention`` after it expired).
Sessions, records and SdkTokens end in the order they were made or finished, so queues of their
keys in that order find them (8 bytes a session); access tokens, of any period, are in a heap.
A sweep costs a comparison or two while nothing is due. (A clock moved back can only delay an
eviction: a record is never dropped before its own time.)
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from typing import Any

from .base import CALLER_LIFETIME_MS, MAX_REVOCATIONS, SessionChange
from .limits import SlidingWindow, TokenBucket
from .records import (
    DEFAULT_RETENTION_MS,
    AccessToken,
    Activation,
    Control,
    LivenessRecord,
    SdkToken,
    Session,
)

MAX_CALLERS = 1024  # X-Mock-Scenario callers remembered, least recently used forgotten first
MAX_BUCKETS = 10_000  # token buckets per scope; the oldest go first


class Tally:
    """One scope's counters, buckets and windows."""

    __slots__ = ("buckets", "counts", "windows")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.buckets: dict[str, TokenBucket] = {}
        self.windows: dict[str, SlidingWindow] = {}


class MemoryStore:
    url = "memory"
    shared = False
    _clock_offset: int | None  # set by reset()

    def __init__(self, retention_ms: int = DEFAULT_RETENTION_MS) -> None:
        self.retention_ms = retention_ms
        self.generation = 0
        self._scenarios = 0  # never back to 0: a replica started after a reset must not take it for fresh
        self._revocation_seq = 0  # never back to 0 either: positions only grow
        self.reset()

    # ADVANCE AI access tokens
    def put_token(self, token: AccessToken) -> None:
        # kept as a plain tuple of str and int: the garbage collector stops tracking those, so a
        # load test minting hundreds of thousands of tokens does not make every full collection
        # walk them (Token Authentication's p99 under load: 47 -> 15 ms with the collector off)
        self._tokens[token.token] = (token.account, token.expires_ms)
        heapq.heappush(self._token_expiry, (token.expires_ms, token.token))

    def token_expiries(self) -> list[tuple[str, int]]:
        return list(self._tokens.values())

    def token(self, token: str, now_ms: int) -> AccessToken | None:
        found = self._tokens.get(token)
        if found is None:
            return None
        if found[1] <= now_ms:
            del self._tokens[token]  # seen expired: gone, even if the clock is moved back
            return None
        return AccessToken(token, *found)

    # sessions
    def save_session(self, session: Session) -> None:
        self._sessions[session.signature_id] = session
        self._pages[session.page_token] = session.signature_id
        (self._unfinished if session.finished_ms is None else self._finished).append(session.signature_id)

    def session(self, signature_id: str) -> Session | None:
        return self._sessions.get(signature_id)

    def session_by_page(self, page_token: str) -> Session | None:
        signature_id = self._pages.get(page_token)
        return self._sessions.get(signature_id) if signature_id else None

    def sessions(self) -> list[Session]:
        return list(self._sessions.values())

    def poll_session(self, signature_id: str, account: str) -> Session | None:
        session = self._sessions.get(signature_id)
        if session is None or session.account != account:
            return None
        if session.status == "pending":
            session.polls += 1
        return session

    def change_session(self, signature_id: str, change: SessionChange) -> Session | None:
        session = self._sessions.get(signature_id)
        if session is None:
            return None
        before = session.finished_ms
        if change(session) and session.finished_ms != before:
            self._finished.append(signature_id)
        return session

    # SDK records, SdkTokens, ConfigureUI, usage
    def save_liveness(self, record: LivenessRecord) -> None:
        self._liveness[record.liveness_id] = record
        self._liveness_order.append(record.liveness_id)

    def liveness(self, liveness_id: str) -> LivenessRecord | None:
        return self._liveness.get(liveness_id)

    def save_sdk_token(self, entry: SdkToken) -> None:
        if entry.token not in self._sdk_tokens:
            self._sdk_order.append(entry.token)
        self._sdk_tokens[entry.token] = entry

    def sdk_token(self, token: str) -> SdkToken | None:
        return self._sdk_tokens.get(token)

    def save_ui_config(self, account: str, config: dict[str, Any]) -> None:
        self._ui[account] = config

    def ui_config(self, account: str) -> dict[str, Any] | None:
        return self._ui.get(account)

    def used(self, account: str) -> int:
        return self._used.get(account, 0)

    def charge(self, account: str) -> int:
        used = self._used[account] = self._used.get(account, 0) + 1
        return used

    # tallies and limits
    def _tally(self, scope: str) -> Tally:
        tally = self._tallies.get(scope)
        if tally is None:
            tally = self._tallies[scope] = Tally()
        return tally

    def count(self, scope: str, name: str) -> int:
        counts = self._tally(scope).counts
        value = counts[name] = counts.get(name, 0) + 1
        return value

    def counts(self, scope: str) -> dict[str, int]:
        tally = self._tallies.get(scope)
        return dict(tally.counts) if tally else {}

    def take(self, scope: str, name: str, per_second: float, burst: int, now_ms: int) -> float:
        buckets = self._tally(scope).buckets
        bucket = buckets.get(name)
        if bucket is None:
            if len(buckets) >= MAX_BUCKETS:
                buckets.pop(next(iter(buckets)))
            bucket = buckets[name] = TokenBucket(per_second, burst, now_ms)
        return bucket.take(now_ms)

    def admit(self, scope: str, name: str, limit: int, window_ms: int, now_ms: int) -> bool:
        windows = self._tally(scope).windows
        window = windows.get(name)
        if window is None:
            window = windows[name] = SlidingWindow(limit, window_ms)
        return window.admit(now_ms)

    def drop(self, scope: str) -> None:
        self._tallies.pop(scope, None)

    # media link revocations: tag -> (position, stamp), newest last
    def revoke_links(self, tag: str, stamp: int) -> None:
        self._revocation_seq += 1
        self._revoked.pop(tag, None)
        self._revoked[tag] = (self._revocation_seq, stamp)
        while len(self._revoked) > MAX_REVOCATIONS:
            self._revoked.popitem(last=False)

    def link_revocations(self, after: int) -> tuple[list[tuple[str, int]], int]:
        found = []
        for tag in reversed(self._revoked):
            position, stamp = self._revoked[tag]
            if position <= after:
                break
            found.append((tag, stamp))
        return found[::-1], max(after, self._revocation_seq)

    def generation_seen(self) -> int:
        return self.generation

    # control plane (one process: nobody else to tell)
    def control(self) -> Control:
        return Control(self.generation, self._clock_offset, self._scenarios, self._revocation_seq)

    def changed(self) -> bool:
        return False

    def join(self, seed: int) -> tuple[int, int]:
        return 0, seed

    def set_clock_offset(self, offset: int, *, keep_existing: bool = False) -> int:
        if keep_existing and self._clock_offset is not None:
            return self._clock_offset
        self._clock_offset = offset
        return offset

    def activations(self) -> dict[str, Activation]:
        return dict(self._activations)

    def save_activation(self, activation: Activation) -> None:
        self._activations.pop(activation.name, None)  # a re-activated scenario answers last
        self._activations[activation.name] = activation
        self._scenarios += 1

    def drop_activations(self, names: Iterable[str]) -> list[str]:
        dropped = [n for n in names if self._activations.pop(n, None) is not None]
        self._scenarios += 1
        return dropped

    def inline_scenarios(self) -> dict[str, tuple[int, dict[str, Any]]]:
        return dict(self._inline)

    def define_inline(self, name: str, body: dict[str, Any]) -> int:
        self._scenarios += 1
        self._inline[name] = (self._scenarios, body)
        return self._scenarios

    def caller_since(self, scope: str, caller: str, now_ms: int) -> int:
        key = (scope, caller)
        since = self._callers.get(key)
        if since is None or now_ms - since >= CALLER_LIFETIME_MS:
            since = self._callers[key] = now_ms
            self.drop(f"{scope}|{caller}")
            while len(self._callers) > MAX_CALLERS:
                (old_scope, old_caller), _ = self._callers.popitem(last=False)
                self.drop(f"{old_scope}|{old_caller}")
        self._callers.move_to_end(key)
        return since

    def callers(self, scope: str) -> dict[str, int]:
        return {caller: since for (s, caller), since in self._callers.items() if s == scope}

    # housekeeping
    def housekeep(self, now_ms: int) -> None:
        tokens = self._token_expiry
        while tokens and tokens[0][0] <= now_ms:
            _, key = heapq.heappop(tokens)
            token = self._tokens.get(key)
            if token is not None and token[1] <= now_ms:
                del self._tokens[key]
        retention = self.retention_ms
        _sweep(self._unfinished, self._sessions, _finished, retention, now_ms, self._gone)
        _sweep(self._finished, self._sessions, _never, retention, now_ms, self._gone)
        _sweep(self._liveness_order, self._liveness, _never, retention, now_ms)
        _sweep(self._sdk_order, self._sdk_tokens, _never, retention, now_ms)

    def _gone(self, session: Session) -> None:
        self._pages.pop(session.page_token, None)

    def reset(self) -> int:
        self._tokens: dict[str, tuple[str, int]] = {}  # token -> (account, expires_ms)
        self._sessions: dict[str, Session] = {}
        self._pages: dict[str, str] = {}
        self._liveness: dict[str, LivenessRecord] = {}
        self._sdk_tokens: dict[str, SdkToken] = {}
        self._ui: dict[str, dict[str, Any]] = {}
        self._used: dict[str, int] = {}
        self._tallies: dict[str, Tally] = {}
        self._callers: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._activations: dict[str, Activation] = {}
        self._inline: dict[str, tuple[int, dict[str, Any]]] = {}
        self._token_expiry: list[tuple[int, str]] = []  # heap of (expires, token)
        self._unfinished: deque[str] = deque()  # signatureIds, in the order they were made
        self._finished: deque[str] = deque()  # in the order they finished (again if they finish again)
        self._liveness_order: deque[str] = deque()
        self._sdk_order: deque[str] = deque()
        self._revoked: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._clock_offset = None
        self.generation += 1
        return self.generation

    def close(self) -> None:
        pass


def _finished(session: Session) -> bool:
    return session.finished_ms is not None


def _never(record: object) -> bool:
    return False


def _sweep(
    order: deque[str],
    table: dict[str, Any],
    elsewhere: Callable[[Any], bool],
    retention_ms: int,
    now_ms: int,
    gone: Callable[[Any], None] | None = None,
) -> None:
    """Forget the records at the head of ``order`` whose life ended; stop at the first that lives
    on. A key whose record went, or is now tracked by another queue (``elsewhere``), is skipped."""
    while order:
        record = table.get(order[0])
        if record is None or elsewhere(record):
            order.popleft()
            continue
        if record.keep_until(retention_ms) > now_ms:
            return
        del table[order.popleft()]
        if gone is not None:
            gone(record)

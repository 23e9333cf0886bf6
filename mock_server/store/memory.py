"""The in-memory store (``--state memory``, the default): plain dictionaries of the records
themselves, for one process. Nothing is encoded; a read returns the stored object.

Bounded by expiry, not by count: each record goes when its life ends (an access token when it
expires; a session ``retention`` after it finished or its page expired unfinished; an SDK record
``retention`` after it was made; an SdkToken ``retention`` after it expired). A heap of
(when, table, key) finds them: a sweep costs one comparison while nothing is due.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from .base import CALLER_LIFETIME_MS, SessionChange
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
TOKENS, SESSIONS, LIVENESS, SDK_TOKENS = range(4)


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

    def __init__(self, retention_ms: int = DEFAULT_RETENTION_MS) -> None:
        self.retention_ms = retention_ms
        self.generation = 0
        self._scenarios = 0  # never back to 0: a replica started after a reset must not take it for fresh
        self.reset()

    # ADVANCE AI access tokens
    def put_token(self, token: AccessToken) -> None:
        self._tokens[token.token] = token
        self._expire_at(token.expires_ms, TOKENS, token.token)

    def token(self, token: str, now_ms: int) -> AccessToken | None:
        found = self._tokens.get(token)
        if found is not None and found.expires_ms <= now_ms:
            del self._tokens[token]  # seen expired: gone, even if the clock is moved back
            return None
        return found

    # sessions
    def save_session(self, session: Session) -> None:
        self._sessions[session.signature_id] = session
        self._pages[session.page_token] = session.signature_id
        self._expire_at(session.keep_until(self.retention_ms), SESSIONS, session.signature_id)

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
        session.polls += 1
        return session

    def change_session(self, signature_id: str, change: SessionChange) -> Session | None:
        session = self._sessions.get(signature_id)
        if session is None:
            return None
        before = session.keep_until(self.retention_ms)
        if change(session) and session.keep_until(self.retention_ms) != before:
            self._expire_at(session.keep_until(self.retention_ms), SESSIONS, signature_id)
        return session

    # SDK records, SdkTokens, ConfigureUI, usage
    def save_liveness(self, record: LivenessRecord) -> None:
        self._liveness[record.liveness_id] = record
        self._expire_at(record.keep_until(self.retention_ms), LIVENESS, record.liveness_id)

    def liveness(self, liveness_id: str) -> LivenessRecord | None:
        return self._liveness.get(liveness_id)

    def save_sdk_token(self, entry: SdkToken) -> None:
        self._sdk_tokens[entry.token] = entry
        self._expire_at(entry.keep_until(self.retention_ms), SDK_TOKENS, entry.token)

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

    # control plane (one process: nobody else to tell)
    def control(self) -> Control:
        return Control(self.generation, self._clock_offset, self._scenarios)

    def changed(self) -> bool:
        return False

    def join(self, seed: int) -> tuple[int, int]:
        return 0, seed

    def set_clock_offset(self, offset: int, *, keep_existing: bool = False) -> int:
        if not (keep_existing and self._clock_offset is not None):
            self._clock_offset = offset
        return self._clock_offset

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
    def _expire_at(self, when_ms: int, table: int, key: str) -> None:
        heapq.heappush(self._expiry, (when_ms, table, key))

    def housekeep(self, now_ms: int) -> None:
        expiry = self._expiry
        while expiry and expiry[0][0] <= now_ms:
            _, table, key = heapq.heappop(expiry)
            self._forget(table, key, now_ms)

    def _forget(self, table: int, key: str, now_ms: int) -> None:
        """Drop the record if its life really ended (a later save may have extended it)."""
        retention = self.retention_ms
        if table == TOKENS:
            token = self._tokens.get(key)
            if token is not None and token.expires_ms <= now_ms:
                del self._tokens[key]
        elif table == SESSIONS:
            session = self._sessions.get(key)
            if session is not None and session.keep_until(retention) <= now_ms:
                del self._sessions[key]
                self._pages.pop(session.page_token, None)
        elif table == LIVENESS:
            record = self._liveness.get(key)
            if record is not None and record.keep_until(retention) <= now_ms:
                del self._liveness[key]
        else:
            entry = self._sdk_tokens.get(key)
            if entry is not None and entry.keep_until(retention) <= now_ms:
                del self._sdk_tokens[key]

    def reset(self) -> int:
        self._tokens: dict[str, AccessToken] = {}
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
        self._expiry: list[tuple[int, int, str]] = []
        self._clock_offset: int | None = None
        self.generation += 1
        return self.generation

    def close(self) -> None:
        pass

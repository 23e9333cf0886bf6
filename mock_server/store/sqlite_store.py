"""``--state sqlite:///path/state.db``: the state in one SQLite file, for several processes on one
machine (``--workers N``) and across restarts.

Records are rows (sessions and SDK data encoded with orjson; a session's poll count is a column
incremented in place); counters are UPSERTs with RETURNING; buckets, windows and session changes
are BEGIN IMMEDIATE transactions. Expired rows are deleted by mock time, at most every few
seconds. Access tokens never change once minted, so each process keeps the ones it has seen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from . import codec
from .base import CALLER_LIFETIME_MS, SessionChange
from .limits import SlidingWindow, TokenBucket
from .records import AccessToken, Activation, Control, LivenessRecord, SdkToken, Session
from .sqlite_db import DATA_TABLES, ChangeSignal, SqliteDb

SWEEP_EVERY_S = 5.0  # of wall time between two deletions of expired rows (per process)
RECHECK_S = 1.0  # the control row is read at least this often, signal or not (a writer killed mid-change)
TRIM_EVERY = 64  # journal rows between two trims
MAX_CACHED_TOKENS = 10_000


class SqliteStore:
    shared = True

    def __init__(self, path: str, retention_ms: int) -> None:
        self.url = f"sqlite://{path}"
        self.retention_ms = retention_ms
        self.sql = SqliteDb(path)
        self.signal = ChangeSignal(path)
        self._seen = b""
        self._recheck_at = 0.0
        self._tokens: dict[str, AccessToken] = {}
        self._generation = 0
        self._swept = 0.0

    # ADVANCE AI access tokens
    def put_token(self, token: AccessToken) -> None:
        self.sql.one("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", (token.token, token.account, token.expires_ms))

    def token_expiries(self) -> list[tuple[str, int]]:
        return [(account, expires) for account, expires in self.sql.all("SELECT account, expires_ms FROM tokens")]

    def token(self, token: str, now_ms: int) -> AccessToken | None:
        found = self._tokens.get(token)
        if found is None:
            row = self.sql.one("SELECT account, expires_ms FROM tokens WHERE token = ?", (token,))
            if row is None:
                return None
            found = AccessToken(token, row[0], row[1])
            if len(self._tokens) >= MAX_CACHED_TOKENS:
                self._tokens.clear()
            self._tokens[token] = found
        if found.expires_ms <= now_ms:
            self._tokens.pop(token, None)
            self.sql.one("DELETE FROM tokens WHERE token = ?", (token,))  # seen expired: gone for the fleet
            return None
        return found

    # sessions
    def save_session(self, session: Session) -> None:
        self.sql.one(
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
            (
                session.signature_id,
                session.page_token,
                session.account,
                session.polls,
                codec.dumps(session),
                session.keep_until(self.retention_ms),
            ),
        )

    def session(self, signature_id: str) -> Session | None:
        row = self.sql.one("SELECT data, polls FROM sessions WHERE id = ?", (signature_id,))
        return None if row is None else codec.session_from(row[0], row[1])

    def session_by_page(self, page_token: str) -> Session | None:
        row = self.sql.one("SELECT data, polls FROM sessions WHERE page = ?", (page_token,))
        return None if row is None else codec.session_from(row[0], row[1])

    def sessions(self) -> list[Session]:
        return [codec.session_from(d, p) for d, p in self.sql.all("SELECT data, polls FROM sessions ORDER BY rowid")]

    def poll_session(self, signature_id: str, account: str) -> Session | None:
        row = self.sql.one("SELECT data, polls FROM sessions WHERE id = ? AND account = ?", (signature_id, account))
        if row is None:
            return None
        session = codec.session_from(row[0], row[1])
        if session.status != "pending":
            return session  # the hot path: a finished session is read, not written
        row = self.sql.one(
            "UPDATE sessions SET polls = polls + 1 WHERE id = ? AND account = ? RETURNING data, polls",
            (signature_id, account),
        )
        return None if row is None else codec.session_from(row[0], row[1])

    def change_session(self, signature_id: str, change: SessionChange) -> Session | None:
        with self.sql.write() as db:
            row = db.execute("SELECT data, polls FROM sessions WHERE id = ?", (signature_id,)).fetchone()
            if row is None:
                return None
            session = codec.session_from(row[0], row[1])
            if change(session):
                db.execute(
                    "UPDATE sessions SET data = ?, keep_until = ? WHERE id = ?",
                    (codec.dumps(session), session.keep_until(self.retention_ms), signature_id),
                )
        return session

    # SDK records, SdkTokens, ConfigureUI, usage
    def save_liveness(self, record: LivenessRecord) -> None:
        keep = record.keep_until(self.retention_ms)
        self.sql.one(
            "INSERT OR REPLACE INTO liveness VALUES (?, ?, ?)", (record.liveness_id, codec.dumps(record), keep)
        )

    def liveness(self, liveness_id: str) -> LivenessRecord | None:
        row = self.sql.one("SELECT data FROM liveness WHERE id = ?", (liveness_id,))
        return None if row is None else codec.liveness_from(row[0])

    def save_sdk_token(self, entry: SdkToken) -> None:
        keep = entry.keep_until(self.retention_ms)
        self.sql.one("INSERT OR REPLACE INTO sdk_tokens VALUES (?, ?, ?)", (entry.token, codec.dumps(entry), keep))

    def sdk_token(self, token: str) -> SdkToken | None:
        row = self.sql.one("SELECT data FROM sdk_tokens WHERE token = ?", (token,))
        return None if row is None else codec.sdk_token_from(row[0])

    def save_ui_config(self, account: str, config: dict[str, Any]) -> None:
        self.sql.one("INSERT OR REPLACE INTO ui_configs VALUES (?, ?)", (account, codec.dumps(config)))

    def ui_config(self, account: str) -> dict[str, Any] | None:
        row = self.sql.one("SELECT data FROM ui_configs WHERE account = ?", (account,))
        return None if row is None else codec.json_object(row[0])

    def used(self, account: str) -> int:
        row = self.sql.one("SELECT used FROM usage WHERE account = ?", (account,))
        return 0 if row is None else int(row[0])

    def charge(self, account: str) -> int:
        row = self.sql.one(
            "INSERT INTO usage VALUES (?, 1) ON CONFLICT (account) DO UPDATE SET used = used + 1 RETURNING used",
            (account,),
        )
        return int(row[0])

    # tallies and limits
    def count(self, scope: str, name: str) -> int:
        row = self.sql.one(
            "INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT (scope, name) DO UPDATE SET value = value + 1"
            " RETURNING value",
            (scope, name),
        )
        return int(row[0])

    def counts(self, scope: str) -> dict[str, int]:
        return dict(self.sql.all("SELECT name, value FROM counters WHERE scope = ?", (scope,)))

    def take(self, scope: str, name: str, per_second: float, burst: int, now_ms: int) -> float:
        with self.sql.write() as db:
            row = db.execute(
                "SELECT tokens, last_ms FROM buckets WHERE scope = ? AND name = ?", (scope, name)
            ).fetchone()
            bucket = TokenBucket(per_second, burst, now_ms)
            if row is not None:
                bucket.tokens, bucket.last_ms = row
            wait = bucket.take(now_ms)
            db.execute(
                "INSERT OR REPLACE INTO buckets VALUES (?, ?, ?, ?)", (scope, name, bucket.tokens, bucket.last_ms)
            )
        return wait

    def admit(self, scope: str, name: str, limit: int, window_ms: int, now_ms: int) -> bool:
        with self.sql.write() as db:
            row = db.execute("SELECT events FROM windows WHERE scope = ? AND name = ?", (scope, name)).fetchone()
            window = SlidingWindow(limit, window_ms)
            window.events.extend(codec.loads(row[0]) if row else ())
            admitted = window.admit(now_ms)
            if admitted:
                events = codec.dumps(list(window.events))
                db.execute("INSERT OR REPLACE INTO windows VALUES (?, ?, ?)", (scope, name, events))
        return admitted

    def drop(self, scope: str) -> None:
        with self.sql.write() as db:
            for table in ("counters", "buckets", "windows"):
                db.execute(f"DELETE FROM {table} WHERE scope = ?", (scope,))

    # control plane
    def control(self) -> Control:
        generation, offset, scenarios = self.sql.one("SELECT generation, clock_offset, scenarios FROM control")
        if generation != self._generation:
            self._generation = generation
            self._tokens.clear()  # a reset happened: tokens minted before it are gone
        return Control(generation, offset, scenarios)

    def changed(self) -> bool:
        """A few bytes of shared memory tell, not a query (and a read every RECHECK_S anyway)."""
        seen, now = self.signal.read(), time.monotonic()
        if seen == self._seen and now < self._recheck_at:
            return False
        self._seen, self._recheck_at = seen, now + RECHECK_S
        return True

    def join(self, seed: int) -> tuple[int, int]:
        member, agreed = self.sql.one(
            "UPDATE control SET members = members + 1, seed = coalesce(seed, ?) RETURNING members - 1, seed", (seed,)
        )
        return int(member), int(agreed)

    def set_clock_offset(self, offset: int, *, keep_existing: bool = False) -> int:
        sql = "UPDATE control SET clock_offset = {} RETURNING clock_offset"
        chosen = "coalesce(clock_offset, ?)" if keep_existing else "?"
        now_set = int(self.sql.one(sql.format(chosen), (offset,))[0])
        self.signal.raise_()
        return now_set

    def activations(self) -> dict[str, Activation]:
        rows = self.sql.all("SELECT data FROM activations ORDER BY seq")
        return {a.name: a for a in map(codec.activation_from, (r[0] for r in rows))}

    def save_activation(self, activation: Activation) -> None:
        with self.sql.write() as db:
            seq = _next_scenarios(db)
            db.execute(
                "INSERT OR REPLACE INTO activations VALUES (?, ?, ?)", (activation.name, seq, codec.dumps(activation))
            )
        self.signal.raise_()

    def drop_activations(self, names: Iterable[str]) -> list[str]:
        dropped = []
        with self.sql.write() as db:
            for name in names:
                if db.execute("DELETE FROM activations WHERE name = ? RETURNING name", (name,)).fetchall():
                    dropped.append(name)
            _next_scenarios(db)
        self.signal.raise_()
        return dropped

    def inline_scenarios(self) -> dict[str, tuple[int, dict[str, Any]]]:
        rows = self.sql.all("SELECT name, revision, body FROM inline_scenarios")
        return {name: (revision, codec.loads(body)) for name, revision, body in rows}

    def define_inline(self, name: str, body: dict[str, Any]) -> int:
        with self.sql.write() as db:
            revision = _next_scenarios(db)
            db.execute("INSERT OR REPLACE INTO inline_scenarios VALUES (?, ?, ?)", (name, revision, codec.dumps(body)))
        self.signal.raise_()
        return revision

    def caller_since(self, scope: str, caller: str, now_ms: int) -> int:
        with self.sql.write() as db:
            row = db.execute("SELECT since_ms FROM callers WHERE scope = ? AND caller = ?", (scope, caller)).fetchone()
            if row is not None and now_ms - row[0] < CALLER_LIFETIME_MS:
                return int(row[0])
            db.execute("INSERT OR REPLACE INTO callers VALUES (?, ?, ?)", (scope, caller, now_ms))
            for table in ("counters", "buckets", "windows"):
                db.execute(f"DELETE FROM {table} WHERE scope = ?", (f"{scope}|{caller}",))
        return now_ms

    def callers(self, scope: str) -> dict[str, int]:
        return dict(self.sql.all("SELECT caller, since_ms FROM callers WHERE scope = ?", (scope,)))

    # the request journal: one table; each list trimmed to its newest ``size`` every TRIM_EVERY rows
    def journal_append(self, entries: list[tuple[bytes, bool]], size: int, generation: int) -> None:
        with self.sql.write() as db:
            if db.execute("SELECT generation FROM control").fetchone()[0] != generation:
                return  # answered before a reset: not in the new journal
            db.executemany("INSERT INTO journal (miss, data) VALUES (?, ?)", [(int(m), e) for e, m in entries])
            last = db.execute("SELECT last_insert_rowid()").fetchone()[0]
            if last // TRIM_EVERY != (last - len(entries)) // TRIM_EVERY:
                db.execute("DELETE FROM journal WHERE miss = 0 AND id <= ?", (last - size,))
                kept = db.execute("SELECT id FROM journal WHERE miss = 1 ORDER BY id DESC LIMIT 1 OFFSET ?", (size,))
                oldest = kept.fetchone()
                if oldest is not None:
                    db.execute("DELETE FROM journal WHERE miss = 1 AND id <= ?", (oldest[0],))

    def generation_seen(self) -> int:
        return self._generation

    def journal(self, limit: int, *, misses: bool = False) -> list[tuple[int, bytes]]:
        where = "WHERE miss = 1 " if misses else ""
        return self.sql.all(f"SELECT id, data FROM journal {where}ORDER BY id DESC LIMIT ?", (limit,))

    def journal_clear(self) -> None:
        self.sql.one("DELETE FROM journal")

    # housekeeping
    def housekeep(self, now_ms: int) -> None:
        if time.monotonic() - self._swept < SWEEP_EVERY_S:
            return
        self._swept = time.monotonic()
        with self.sql.write() as db:
            db.execute("DELETE FROM tokens WHERE expires_ms <= ?", (now_ms,))
            for table in ("sessions", "liveness", "sdk_tokens"):
                db.execute(f"DELETE FROM {table} WHERE keep_until <= ?", (now_ms,))
            gone = now_ms - CALLER_LIFETIME_MS
            for table in ("counters", "buckets", "windows"):
                db.execute(
                    f"DELETE FROM {table} WHERE scope IN"
                    " (SELECT scope || '|' || caller FROM callers WHERE since_ms <= ?)",
                    (gone,),
                )
            db.execute("DELETE FROM callers WHERE since_ms <= ?", (gone,))

    def reset(self) -> int:
        with self.sql.write() as db:
            for table in DATA_TABLES:
                db.execute(f"DELETE FROM {table}")
            generation = db.execute(
                "UPDATE control SET generation = generation + 1, clock_offset = NULL RETURNING generation"
            ).fetchone()[0]
        self._tokens.clear()
        self._generation = generation
        self.signal.raise_()
        return int(generation)

    def close(self) -> None:
        self.sql.close()
        self.signal.close()


def _next_scenarios(db: Any) -> int:
    """Bump the scenarios version (in the caller's transaction): every replica reloads them."""
    return int(db.execute("UPDATE control SET scenarios = scenarios + 1 RETURNING scenarios").fetchone()[0])

"""One SQLite database file that several processes share: WAL, a busy timeout, short transactions.

WAL lets readers run while one process writes; ``busy_timeout`` makes a writer wait for the lock
instead of failing; every read-modify-write is one ``BEGIN IMMEDIATE`` transaction (or a single
``UPDATE ... RETURNING``), so two processes never lose each other's changes.
``synchronous=NORMAL``: a commit survives the process being killed (``kill -9``), not a power cut.
"""

from __future__ import annotations

import mmap
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .base import StateUnavailable
from .fleet import Outage

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000
SCHEMA = """
CREATE TABLE IF NOT EXISTS control (
  id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL, clock_offset INTEGER,
  scenarios INTEGER NOT NULL, members INTEGER NOT NULL, seed INTEGER);
INSERT OR IGNORE INTO control VALUES (1, 1, NULL, 0, 0, NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, account TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens (expires_ms);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, page TEXT NOT NULL UNIQUE, account TEXT NOT NULL, polls INTEGER NOT NULL,
  data BLOB NOT NULL, keep_until INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (keep_until);
CREATE TABLE IF NOT EXISTS liveness (id TEXT PRIMARY KEY, data BLOB NOT NULL, keep_until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sdk_tokens (token TEXT PRIMARY KEY, data BLOB NOT NULL, keep_until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ui_configs (account TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS usage (account TEXT PRIMARY KEY, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (
  scope TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (scope, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS buckets (
  scope TEXT NOT NULL, name TEXT NOT NULL, tokens REAL NOT NULL, last_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS windows (
  scope TEXT NOT NULL, name TEXT NOT NULL, events BLOB NOT NULL, PRIMARY KEY (scope, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activations (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS inline_scenarios (name TEXT PRIMARY KEY, revision INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS callers (
  scope TEXT NOT NULL, caller TEXT NOT NULL, since_ms INTEGER NOT NULL, PRIMARY KEY (scope, caller)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY AUTOINCREMENT, miss INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS journal_misses ON journal (miss, id);
CREATE TABLE IF NOT EXISTS link_revocations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, tag TEXT NOT NULL, stamp INTEGER NOT NULL);
"""
DATA_TABLES = (
    "tokens", "sessions", "liveness", "sdk_tokens", "ui_configs", "usage", "counters", "buckets", "windows",
    "activations", "inline_scenarios", "callers", "journal", "link_revocations",
)  # fmt: skip


class ChangeSignal:
    """Eight bytes of shared memory beside the database (``<file>-changes``): a writer of the
    control plane puts fresh random bytes there after its commit, so the other processes learn
    that they must re-read the control row without reading it on every request. Only a signal:
    the state itself is in SQLite. Random bytes, not a counter: two writers can never leave the
    value a reader last saw."""

    SIZE = 8

    def __init__(self, path: str) -> None:
        fd = os.open(path + "-changes", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size < self.SIZE:
                os.write(fd, os.urandom(self.SIZE))
            self._map = mmap.mmap(fd, self.SIZE)
        finally:
            os.close(fd)

    def read(self) -> bytes:
        return self._map[: self.SIZE]

    def raise_(self) -> None:
        self._map[: self.SIZE] = os.urandom(self.SIZE)

    def close(self) -> None:
        self._map.close()


class SqliteDb:
    """The connection of one process (any thread may use it: one lock), its transactions, its errors."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.outage = Outage(f"sqlite://{path}")
        self._lock = threading.RLock()
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._retried_while_locked(self._open)
        except (sqlite3.Error, OSError) as exc:
            raise StateUnavailable(f"cannot open the state file {path}: {exc}") from None

    def _open(self) -> None:
        if self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StateUnavailable(f"{self.path}: SQLite cannot use WAL there (a network file system?)")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._create()

    @staticmethod
    def _retried_while_locked(step: Callable[[], None]) -> None:
        """Run ``step`` again while another process holds the file (up to the busy timeout): the
        switch of a new file to WAL takes an exclusive lock and answers "database is locked" at
        once, without SQLite's busy handler, when several processes start on one new file."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _create(self) -> None:
        with self.write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StateUnavailable(
                    f"{self.path} holds the state of another liveness-mock version ({version}, this one writes"
                    f" {SCHEMA_VERSION}): give another file, or delete it"
                )
            for statement in filter(str.strip, SCHEMA.split(";")):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """The first row of a single statement (its own transaction), or None."""
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            try:
                rows = self.db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self.outage.failed(exc) from None
        if self.outage.down:
            self.outage.recovered()
        return rows

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction: the write lock first, so nobody changes what it reads."""
        with self._lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.outage.failed(exc) from None
            try:
                yield self.db
            except BaseException as exc:
                self.db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self.outage.failed(exc) from None
                raise
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self.db.execute("ROLLBACK")
                raise self.outage.failed(exc) from None
        if self.outage.down:
            self.outage.recovered()

    def close(self) -> None:
        with self._lock:
            self.db.close()

"""``--state URL`` -> a store: ``memory``, ``sqlite:///path/state.db``, ``redis://host:port/db``."""

from __future__ import annotations

from ..clock import MockClock
from .base import Store, without_password
from .memory import MemoryStore

SCHEMES = ("memory", "sqlite:///path/state.db", "redis://host:port/db")


class StateUrlError(ValueError):
    """A --state the mock cannot use: said with the forms it takes."""


def open_store(url: str, retention_ms: int, clock: MockClock) -> Store:
    """The store ``url`` names, opened (a file created, a server reached) or StateUrlError."""
    scheme = url.partition(":")[0].lower()
    if url == "memory":
        return MemoryStore(retention_ms)
    if scheme == "sqlite":
        from .sqlite_store import SqliteStore

        return SqliteStore(sqlite_path(url), retention_ms)
    if scheme in ("redis", "rediss", "unix"):
        from .redis_store import RedisStore

        return RedisStore(url, retention_ms, clock)
    raise StateUrlError(f"--state {without_password(url)!r}: use one of {', '.join(SCHEMES)}")


def sqlite_path(url: str) -> str:
    """The file of ``sqlite:///abs/path.db`` (three slashes: an absolute path) or
    ``sqlite://state.db`` (relative to the working directory)."""
    path = url[len("sqlite://") :]
    if not path or path.endswith("/") or "?" in path:
        raise StateUrlError(f"--state {url!r}: write sqlite:///absolute/path/state.db or sqlite://relative.db")
    return path

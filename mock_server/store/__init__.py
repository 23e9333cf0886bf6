"""The mock's state behind one interface, in memory, SQLite or Redis (imports: clock only)."""

from .base import StateUnavailable, Store
from .memory import MemoryStore
from .records import (
    DEFAULT_RETENTION_MS,
    AccessToken,
    Activation,
    Control,
    LivenessOutcome,
    LivenessRecord,
    Result,
    SdkToken,
    Session,
)

__all__ = [
    "DEFAULT_RETENTION_MS",
    "AccessToken",
    "Activation",
    "Control",
    "LivenessOutcome",
    "LivenessRecord",
    "MemoryStore",
    "Result",
    "SdkToken",
    "Session",
    "StateUnavailable",
    "Store",
]

"""Parsed and checked data files, remembered across runs: a warm start parses no YAML and runs no
schema check (the two largest parts of start-up after the imports).

An entry is keyed by the SHA-256 of the mock's version, the schema the file was checked against
and the file's bytes, so an edited file or schema is simply a miss. Entries are stored with
``marshal`` (plain data only: it rebuilds values, it runs no code); a value marshal cannot write is
not cached. The cache is one file in ``$LIVENESS_MOCK_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, under ``liveness-mock/``; ``LIVENESS_MOCK_CACHE_DIR=off`` turns it off. A cache that
cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from ..version import __version__

log = logging.getLogger("mock_server")
FILE_NAME = "parsed-files.marshal"
MAX_ENTRIES = 512  # user fixture folders come and go: keep the cache small


class ParseCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, bytes] = self._read() if path is not None else {}
        self.dirty = False

    @classmethod
    def from_environment(cls) -> ParseCache:
        configured = os.environ.get("LIVENESS_MOCK_CACHE_DIR", "")
        if configured.lower() == "off":
            return cls(None)
        base = Path(configured) if configured else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        return cls(base / "liveness-mock" / FILE_NAME)

    @staticmethod
    def key(content: bytes, schema: bytes = b"") -> str:
        digest = hashlib.sha256(__version__.encode())
        digest.update(len(schema).to_bytes(8, "big") + schema)
        digest.update(content)
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        """A fresh copy of the remembered value (callers may change what they get), or None."""
        stored = self.entries.get(key)
        return None if stored is None else marshal.loads(stored)

    def put(self, key: str, value: Any) -> None:
        try:
            self.entries[key] = marshal.dumps(value)
        except ValueError:
            return  # a value marshal cannot write (a YAML date, say): parsed again next time
        self.dirty = True

    def save(self) -> None:
        """Write the cache if it changed (atomically: concurrent starts never see half a file)."""
        if self.path is None or not self.dirty:
            return
        kept = dict(list(self.entries.items())[-MAX_ENTRIES:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, delete=False) as tmp:
                tmp.write(marshal.dumps(kept))
            os.replace(tmp.name, self.path)
            self.dirty = False
        except OSError as exc:
            log.debug("parse cache not written (%s): start-up stays correct, only slower", exc)

    def _read(self) -> dict[str, bytes]:
        assert self.path is not None
        try:
            loaded = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return loaded if isinstance(loaded, dict) else {}


CACHE = ParseCache.from_environment()

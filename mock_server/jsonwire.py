"""JSON on the wire: one strict parser for every body the mock reads, one encoder that never fails.

orjson parses and encodes at C speed (the ~30 KB answers with a base64 image cost microseconds,
not the ~170 us of the json module), and it is strict where the mock must be: it refuses lone
surrogates (escaped or as raw bytes), invalid UTF-8, NaN and Infinity, numbers beyond a double
(``1e400``), a byte-order mark, and nesting deeper than 1024. What it accepts can be stored,
journaled and sent back without a later failure. The encoder falls back to the json module (with
\\u escapes) for what orjson cannot write (integers beyond 64 bits, surrogates from elsewhere),
so an answer or an admin listing is never a 500 because of a value.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

MAX_DEPTH = 64  # deeper request values are refused: nothing the vendors document nests past 4


class JSONError(ValueError):
    """The bytes are not a JSON text the mock accepts; the message says why (no data in it)."""


def loads(data: bytes | str) -> Any:
    """Parse strictly (see the module docstring); JSONError otherwise."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise JSONError(str(exc).split(":", 1)[0]) from None
    if _may_be_deep(data) and _depth(value) > MAX_DEPTH:
        raise JSONError(f"nested deeper than {MAX_DEPTH} levels")
    return value


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, keys in insertion order; never raises for a JSON-shaped value."""
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str).encode("ascii")


def _may_be_deep(data: bytes | str) -> bool:
    """A cheap bound first: a text with few brackets cannot nest deeply."""
    opened = data.count(b"[" if isinstance(data, bytes) else "[") + data.count(b"{" if isinstance(data, bytes) else "{")
    return opened > MAX_DEPTH


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a deep value must not exhaust the stack here either)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in node)
    return deepest

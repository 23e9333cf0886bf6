"""Parity snapshots: one JSON file per (endpoint, case), an answer with its volatile values
normalised, and when it was last checked against the service it came from.

The pytest plugin writes them (``--liveness-snapshot-update``) and compares the mock's answers
with them; the drift report reads them. Format::

    {"endpoint": "get_token", "case": "<test node id>", "call": 1,
     "checked": {"target": "sandbox", "at": "2026-12-02T13:40:00Z"},
     "status": 200, "headers": {"content-type": "application/json"}, "body": {...normalised...}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..contract.conformance import json_type, media_type, parse_retry_after, pointer
from .volatile import normalise

_UNSAFE = re.compile(r"[^A-Za-z0-9._=-]+")


@dataclass(frozen=True)
class Snapshot:
    endpoint: str
    case: str
    call: int
    checked: Mapping[str, str]
    status: int
    headers: Mapping[str, str]
    body: Any
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "case": self.case,
            "call": self.call,
            "checked": dict(self.checked),
            "status": self.status,
            "headers": dict(self.headers),
            "body": self.body,
        }


class SnapshotError(ValueError):
    """A snapshot file that cannot be read; the message names it."""


def observed(
    endpoint: str, case: str, call: int, status: int, headers: Mapping[str, str], content: bytes, target: str
) -> Snapshot:
    """An answer as a snapshot: the documented headers only, the body normalised (not JSON: text)."""
    try:
        body: Any = normalise(json.loads(content))
    except (ValueError, UnicodeDecodeError):
        body = {"(not JSON)": content[:200].decode("utf-8", "replace")}
    kept = {}
    lower = {k.lower(): v for k, v in headers.items()}
    if "content-type" in lower:
        kept["content-type"] = media_type(lower)
    if "retry-after" in lower:
        seconds = parse_retry_after(lower["retry-after"])
        kept["retry-after"] = "<seconds>" if seconds is not None else lower["retry-after"]
    checked = {"target": target, "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return Snapshot(endpoint, case, call, checked, status, kept, body)


def file_name(endpoint: str, case: str, call: int) -> str:
    """``<endpoint>/<case, made a file name>.<call>.json``: stable across runs of the same test."""
    return f"{endpoint}/{_UNSAFE.sub('_', case).strip('_')[:150]}.{call}.json"


def write(folder: Path, snapshot: Snapshot) -> Path:
    path = folder / file_name(snapshot.endpoint, snapshot.case, snapshot.call)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> Snapshot:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Snapshot(
            str(data["endpoint"]),
            str(data["case"]),
            int(data["call"]),
            dict(data.get("checked") or {}),
            int(data["status"]),
            dict(data.get("headers") or {}),
            data.get("body"),
            path,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{path}: not a parity snapshot: {exc}") from None


def find(folder: Path) -> Iterator[Snapshot]:
    """Every snapshot under ``folder`` (sorted by path)."""
    for path in sorted(folder.rglob("*.json")):
        yield read(path)


def compare(expected: Snapshot, actual: Snapshot) -> list[str]:
    """What differs, one readable line per field: ``/data/score: snapshot 100, now "100"``."""
    lines = []
    if expected.status != actual.status:
        lines.append(f"HTTP status: snapshot {expected.status}, now {actual.status}")
    for name in sorted(set(expected.headers) | set(actual.headers)):
        was, now = expected.headers.get(name), actual.headers.get(name)
        if was != now:
            lines.append(
                f"header {name}: snapshot {_shown(was) if was else 'absent'}, now {_shown(now) if now else 'absent'}"
            )
    lines.extend(_tree(expected.body, actual.body, []))
    return lines


def _tree(was: Any, now: Any, path: list[str]) -> Iterator[str]:
    where = pointer(path) or "(body)"
    if isinstance(was, dict) and isinstance(now, dict):
        for key in was:
            if key not in now:
                yield f"{pointer([*path, key])}: in the snapshot ({_shown(was[key])}), missing now"
            else:
                yield from _tree(was[key], now[key], [*path, key])
        for key in now:
            if key not in was:
                yield f"{pointer([*path, key])}: not in the snapshot, now {_shown(now[key])}"
    elif isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        for index, (a, b) in enumerate(zip(was, now, strict=True)):
            yield from _tree(a, b, [*path, str(index)])
    elif json_type(was) != json_type(now):
        yield f"{where}: snapshot {_typed(was)}, now {_typed(now)}"
    elif was != now:
        yield f"{where}: snapshot {_shown(was)}, now {_shown(now)}"


def _typed(value: Any) -> str:
    return "null" if value is None else f"{_shown(value)} ({json_type(value)})"


def _shown(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."

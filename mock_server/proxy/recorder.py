"""``--record DIR``: each distinct real answer (by endpoint and code) as a scenario the mock replays.

``DIR/scenarios/recorded-<endpoint>-<code>.yaml`` holds the scenario (one rule: that endpoint
answers the recorded body, HTTP status and headers) and a ``recorded:`` block saying where it came
from, how often and when it was seen, and how it differed from the contract. Volatile values are
placeholders (``volatile``); secrets and media bytes are never written. The first body of a kind
is kept; later ones update the counts. A file of an earlier run is continued, not replaced.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..contract.conformance import Difference
from ..masking import is_secret
from .volatile import is_volatile, with_placeholders

# Headers an answer is replayed with: what a client may act on, never ids, dates or cookies.
KEPT_HEADERS = ("retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
HIDDEN = "(a volatile value, not kept)"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_name(endpoint: str, code: str) -> str:
    return f"recorded-{endpoint}-{_UNSAFE.sub('_', code)}.yaml"


def kept_headers(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    return {name.title(): value for name, value in headers if name.lower() in KEPT_HEADERS and not is_secret(name)}


def described(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """What ``recorded.headers`` adds to the replayed ones: the Content-Type the answer came with
    (the mock always answers JSON; the drift report checks what the vendor sent)."""
    return {name.title(): value for name, value in headers if name.lower() == "content-type"}


class Recorder:
    """Writes (and keeps in memory) one scenario file per (endpoint, code) seen."""

    def __init__(self, folder: Path, examples: Mapping[tuple[str, str], Any]) -> None:
        self.folder = folder / "scenarios"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.examples = examples
        self.seen: dict[tuple[str, str], dict[str, Any]] = {}

    def record(
        self,
        where: Mapping[str, str],
        status: int,
        headers: Sequence[tuple[str, str]],
        body: Any,
        code: str,
        differences: Sequence[Difference],
    ) -> Path:
        """``where``: upstream (base URL), host, method, path and endpoint of the request; ``body`` the
        parsed real answer."""
        endpoint = where["endpoint"]
        path = self.folder / file_name(endpoint, code)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        document = self.seen.get((endpoint, code)) or _earlier(path)
        if document is None:
            document = self.new(where, status, headers, body, code, now)
        info = document["recorded"]
        info["last_seen"], info["count"] = now, info["count"] + 1
        known = {tuple(d.values()) for d in info["differences"]}
        for difference in differences:
            entry = {k: v for k, v in asdict(difference).items() if k != "endpoint"}
            if is_volatile(difference.where.rsplit("/", 1)[-1], difference.actual):
                entry["actual"] = HIDDEN  # a token or an id that broke its pattern: the value stays out
            if tuple(entry.values()) not in known:
                info["differences"].append(entry)
                known.add(tuple(entry.values()))
        self.seen[(endpoint, code)] = document
        _write(path, document)
        return path

    def new(
        self, where: Mapping[str, str], status: int, headers: Sequence[tuple[str, str]], body: Any, code: str, now: str
    ) -> dict[str, Any]:
        endpoint = where["endpoint"]
        replayed, replaced = with_placeholders(body, self.examples.get((endpoint, code)))
        header_map = kept_headers(headers)
        respond: dict[str, Any] = {"body": replayed, "httpStatus": status}
        if header_map:
            respond["headers"] = header_map
        recorded = {
            **{key: where[key] for key in ("upstream", "host", "method", "path", "endpoint")},
            "code": code,
            "status": status,
            "headers": {**header_map, **described(headers)},
            "placeholders": replaced,
            "first_seen": now,
            "last_seen": now,
            "count": 0,
            "differences": [],
        }
        return {
            "description": f"{endpoint} answering {code} (HTTP {status}) as recorded from {where['upstream']}",
            "recorded": recorded,
            "rules": [{"name": "recorded", "match": {"endpoint": endpoint}, "respond": respond}],
        }


def _earlier(path: Path) -> dict[str, Any] | None:
    """The document a previous run wrote, to continue its counts (None if absent or not ours)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("recorded"), dict):
        return None
    return document


def _write(path: Path, document: Mapping[str, Any]) -> None:
    """Atomically: a mock loading the folder never reads half a file."""
    text = yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=120)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".recording-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)

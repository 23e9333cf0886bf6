"""The evidence a drift report reads: recordings (``liveness-mock proxy --record``) and parity
snapshots, each turned into observations of the vendor with their differences from the contract.

A recording is a scenario file ``DIR/scenarios/recorded-<endpoint>-<code>.yaml`` with a top-level
``recorded:`` block (upstream, host, method, path, endpoint, code, status, headers, first_seen,
last_seen, count, differences) and rules whose ``respond.body`` is the recorded answer. Where the
body is there, its differences are computed again with ``contract.conformance`` against today's
contract (the stored list may predate a catalog change); the stored list is used for what the file
cannot show again (no body, no Content-Type recorded). A snapshot's placeholders are given back a
value of their recorded type (the docs' example value where one fits), and a value-only
difference at a placeholder is dropped: its value was normalised away.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..contract.conformance import Difference, differences, json_type, pointer
from ..contract.examples import load_examples
from ..contract.resources import fixtures_dir
from ..contract.schemas import ContractSchemas
from . import snapshots
from .volatile import PLACEHOLDER, stand_in

RECORDING_GLOBS = ("recorded-*.yaml", "recorded-*.yml")


class EvidenceError(ValueError):
    """A file that should be a recording or a snapshot and is not; the message names it."""


@dataclass(frozen=True)
class Observation:
    """One source's differences: ``count`` answers seen like it; ``stale``: stored differences
    the body no longer shows (ignored)."""

    source: str
    kind: str  # "recording" or "snapshot"
    endpoint: str
    code: str
    count: int
    differences: tuple[Difference, ...]
    stale: tuple[Difference, ...] = field(default=())


@dataclass
class Evidence:
    observations: list[Observation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # snapshots of the mock itself: no evidence of the vendor


def gather(contract: ContractSchemas, folders: list[Path]) -> Evidence:
    """Every recording and snapshot under ``folders``; EvidenceError for a file that is neither."""
    found = Evidence()
    for folder in folders:
        if not folder.is_dir():
            raise EvidenceError(f"{folder}: no such folder")
        for path in sorted({p for pattern in RECORDING_GLOBS for p in folder.rglob(pattern)}):
            found.observations.append(recording(contract, path))
        for path in sorted(folder.rglob("*.json")):
            try:
                snapshot = snapshots.read(path)
            except snapshots.SnapshotError as exc:
                raise EvidenceError(str(exc)) from None
            if snapshot.checked.get("target") == "mock":
                found.skipped.append(str(path))
            else:
                found.observations.append(from_snapshot(contract, snapshot))
    return found


def recording(contract: ContractSchemas, path: Path) -> Observation:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        recorded = data["recorded"]
        endpoint, status = str(recorded["endpoint"]), int(recorded["status"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise EvidenceError(f"{path}: not a recording (a scenario with a recorded: block): {exc}") from None
    if endpoint not in contract.catalog.endpoints:
        raise EvidenceError(f"{path}: endpoint {endpoint!r} is not in the catalog")
    headers = {str(k): str(v) for k, v in (recorded.get("headers") or {}).items()}
    stored = tuple(_stored(endpoint, recorded.get("differences") or []))
    body = _body(data.get("rules") or [])
    code, count = str(recorded.get("code", "")), int(recorded.get("count") or 1)
    if body is _MISSING:
        return Observation(str(path), "recording", endpoint, code, count, stored)
    typed = any(k.lower() == "content-type" for k in headers)
    placeholders = [_path(p) for p in recorded.get("placeholders") or [] if isinstance(p, str | list)]
    body = _examples_at(body, placeholders, endpoint, code)
    found = _outside(
        differences(
            contract,
            endpoint,
            status,
            headers if typed else {**headers, "Content-Type": "application/json"},
            _bytes(body),
        ),
        {pointer(p) for p in placeholders},
    )
    kept = [d for d in stored if not typed and d.where == "headers/Content-Type"]
    recomputed = {(d.kind, d.where) for d in found}
    stale = tuple(d for d in stored if (d.kind, d.where) not in recomputed and d not in kept)
    return Observation(str(path), "recording", endpoint, code, count, (*found, *kept), stale)


def from_snapshot(contract: ContractSchemas, snapshot: snapshots.Snapshot) -> Observation:
    code = contract.code_of(snapshot.endpoint, snapshot.body) or ""
    placeholders: set[str] = set()
    body = _filled(snapshot.body, [], snapshot.endpoint, code, placeholders)
    headers = {k: ("10s" if v == "<seconds>" else v) for k, v in snapshot.headers.items()}
    found = differences(contract, snapshot.endpoint, snapshot.status, headers, _bytes(body))
    return Observation(str(snapshot.path), "snapshot", snapshot.endpoint, code, 1, _outside(found, placeholders))


def _outside(found: list[Difference], placeholders: set[str]) -> tuple[Difference, ...]:
    """Without the value-only differences at a placeholder: its value is not the vendor's."""
    return tuple(d for d in found if d.where not in placeholders or d.kind != "field_value")


def _path(recorded: str | list[Any]) -> list[str]:
    """A recording's placeholder path (``Response.RequestId``, ``data.items.0.id``) as keys."""
    return [str(part) for part in recorded] if isinstance(recorded, list) else recorded.split(".")


def _examples_at(body: Any, paths: list[list[str]], endpoint: str, code: str) -> Any:
    """``body`` with the value at each placeholder path replaced by a docs' example value of the
    same type where one fits (a recorder's own stand-in may not pass a pattern the real one did)."""
    for path in paths:
        parent = body
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else _item(parent, key)
        if isinstance(parent, dict) and path and path[-1] in parent:
            value = parent[path[-1]]
            example = _example_value(endpoint, code, pointer(path), path[-1], json_type(value))
            if example is not None:
                parent[path[-1]] = example
    return body


def _item(value: Any, key: str) -> Any:
    return value[int(key)] if isinstance(value, list) and key.isdigit() and int(key) < len(value) else None


def _filled(value: Any, path: list[str], endpoint: str, code: str, placeholders: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, [*path, k], endpoint, code, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, [*path, str(i)], endpoint, code, placeholders) for i, v in enumerate(value)]
    found = PLACEHOLDER.match(value) if isinstance(value, str) else None
    if found is None:
        return value
    where = pointer(path)
    placeholders.add(where)
    example = _example_value(endpoint, code, where, path[-1] if path else "", found.group(2))
    return stand_in(value) if example is None else example


def _example_value(endpoint: str, code: str, where: str, key: str, kind: str) -> Any:
    """A value of ``kind`` the docs' examples show at ``where`` (this answer's, then any), or
    under the same member name; None when none does."""
    values = _example_values()
    for candidates in (values.get((endpoint, code, where)), values.get(("", "", where)), values.get(("", "", key))):
        for value in candidates or ():
            if json_type(value) == kind:
                return value
    return None


@cache
def _example_values() -> dict[tuple[str, str, str], list[Any]]:
    found: dict[tuple[str, str, str], list[Any]] = {}
    for example in load_examples(fixtures_dir() / "examples"):
        if example.kind == "response":
            for where, key, value in _leaves(example.body, []):
                for slot in ((example.endpoint, str(example.code), where), ("", "", where), ("", "", key)):
                    found.setdefault(slot, []).append(value)
    return found


def _leaves(value: Any, path: list[str]) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, [*path, k])
    elif not isinstance(value, list) and value is not None and path:
        yield pointer(path), path[-1], value


_MISSING = object()


def _body(rules: list[Any]) -> Any:
    for rule in rules:
        respond = rule.get("respond") if isinstance(rule, Mapping) else None
        if isinstance(respond, Mapping) and "body" in respond:
            return respond["body"]
    return _MISSING


def _bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _stored(endpoint: str, items: list[Any]) -> Iterator[Difference]:
    for item in items:
        if isinstance(item, Mapping) and "kind" in item:
            yield Difference(
                str(item["kind"]),
                endpoint,
                str(item.get("where", "")),
                str(item.get("expected", "")),
                str(item.get("actual", "")),
            )

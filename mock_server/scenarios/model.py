"""Scenarios as typed rules: *match* (endpoint, host, method, request fields, which call, chance,
time window, rate) -> *respond* (a documented code, a fault, a delay, or the normal answer).

The first rule that matches decides. Counting conditions (``call``, ``every``, ``first``,
``after``) count the calls that reach the rule and pass its other conditions, so rule sequences
are state machines: ``first: 2`` -> SERVICE_BUSY, then a rule without conditions -> SUCCESS.
Loading and checking them against the catalog is ``loader``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..predicates import Captures, FieldPredicate
from .faults import Delay, Fault


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


@dataclass(frozen=True)
class Match:
    endpoints: frozenset[str] | None = None
    hosts: frozenset[str] | None = None
    methods: frozenset[str] | None = None
    fields: tuple[FieldPredicate, ...] = ()
    calls: frozenset[int] | None = None
    every: int | None = None
    first: int | None = None
    after: int | None = None
    probability: float | None = None
    window: tuple[int, int | None] | None = None
    over_rate: Rate | None = None

    def static(self, host: str, method: str, params: Mapping[str, Any], elapsed_ms: int) -> Captures | None:
        """Captures when the request-shaped conditions hold (not the counting or chance ones)."""
        if self.hosts is not None and host not in self.hosts:
            return None
        if self.methods is not None and method not in self.methods:
            return None
        if self.window is not None and not _inside(self.window, elapsed_ms):
            return None
        captures: Captures = {}
        for predicate in self.fields:
            found = predicate.match(params)
            if found is None:
                return None
            captures.update(found)
        return captures

    def counted(self, n: int) -> bool:
        """Whether the n-th call that got this far fires (n counts from 1)."""
        return (
            (self.calls is None or n in self.calls)
            and (self.every is None or n % self.every == 0)
            and (self.first is None or n <= self.first)
            and (self.after is None or n > self.after)
        )


def _inside(window: tuple[int, int | None], elapsed_ms: int) -> bool:
    start, end = window
    return start <= elapsed_ms and (end is None or elapsed_ms < end)


@dataclass(frozen=True)
class Respond:
    """``datas``: the data each endpoint sends for ``code`` (its example merged with overrides)."""

    code: str | None = None
    message: str | None = None
    datas: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    http_status: int | None = None
    retry_after: str | None = None
    delay: Delay | str | None = None
    fault: Fault | str | None = None
    body: bytes | None = None  # a recorded answer, sent as it is (encoded once, at load time)

    @property
    def passes(self) -> bool:
        """Answer normally (possibly after a delay)."""
        return self.code is None and self.fault is None and self.body is None


@dataclass(frozen=True)
class Rule:
    index: int
    label: str
    match: Match
    respond: Respond


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    rules: tuple[Rule, ...]
    source: str
    kind: str = "file"  # file | built-in | inline
    always_on: bool = False
    expires_after_ms: int | None = None
    by_endpoint: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    gates: Mapping[str, Gate] = field(default_factory=dict, repr=False)

    def rules_for(self, endpoint_id: str) -> tuple[Rule, ...]:
        return self.by_endpoint.get(endpoint_id, ())

    def admits(self, endpoint_id: str, params: Mapping[str, Any]) -> bool:
        """False when no rule for the endpoint can match ``params`` (checked in one pass)."""
        gate = self.gates.get(endpoint_id)
        return gate is None or gate.admits(params)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "source": self.source,
            "alwaysOn": self.always_on,
            "expiresAfterMs": self.expires_after_ms,
            "rules": [rule.label for rule in self.rules],
        }


@dataclass(frozen=True)
class Gate:
    """What every rule of a scenario needs for one endpoint: some top-level field starting with
    ``prefix`` (magic values: "mock-"). Most requests fail it in one pass over a few fields instead
    of each rule's predicates."""

    prefix: str
    names: tuple[str, ...]
    name_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name_set", frozenset(self.names))

    def admits(self, params: Mapping[str, Any]) -> bool:
        prefix = self.prefix
        if len(params) < len(self.names):  # the usual call sends fewer fields than the gate names
            names = self.name_set
            for name, value in params.items():
                if type(value) is str and name in names and value.startswith(prefix):
                    return True
            return False
        for name in self.names:
            value = params.get(name)
            if type(value) is str and value.startswith(prefix):
                return True
        return False


def gates_of(by_endpoint: Mapping[str, tuple[Rule, ...]]) -> dict[str, Gate]:
    found = {eid: _gate(rules) for eid, rules in by_endpoint.items()}
    return {eid: gate for eid, gate in found.items() if gate is not None}


def _gate(rules: tuple[Rule, ...]) -> Gate | None:
    prefixes: list[str] = []
    names: list[str] = []
    for rule in rules:
        needed = next((p for p in rule.match.fields if p.prefix and all(len(x) == 1 for x in p.paths)), None)
        if needed is None:
            return None
        prefixes.append(needed.prefix)
        names.extend(path[0] for path in needed.paths)
    prefix = min(prefixes, default="")
    while prefix and not all(p.startswith(prefix) for p in prefixes):
        prefix = prefix[:-1]
    return Gate(prefix, tuple(dict.fromkeys(names))) if rules and prefix else None


def index_rules(rules: tuple[Rule, ...], endpoint_ids: list[str]) -> dict[str, tuple[Rule, ...]]:
    """Rules per endpoint, in order, so a request only looks at the rules that can match it."""
    return {
        eid: tuple(r for r in rules if r.match.endpoints is None or eid in r.match.endpoints) for eid in endpoint_ids
    }

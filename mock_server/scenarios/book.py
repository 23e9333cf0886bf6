"""Which scenarios are defined and active, and what each activation remembers.

State lives per activation: one for a scenario switched on at start-up or through the admin
API, and one per (scenario, caller) for ``X-Mock-Scenario`` so parallel tests that name the same
scenario with different access tokens (or ``X-Mock-Caller`` values) never share counters. Every
activation's random draws come from ``random.Random("<seed>:<scenario>:<caller>")``: the same
``--seed`` replays the same sequence, whatever else ran in between.
"""

from __future__ import annotations

import hashlib
import random
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..clock import MockClock
from ..gateway.buckets import TokenBucket
from .checks import suggest
from .model import Rule, Scenario

HEADER_STATES = 1024  # callers remembered per server, least recently used forgotten first


class UnknownScenario(LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"no scenario named {name!r}{suggest(name, known)}")


MAX_BUCKETS = 10_000  # callers tracked per activation; the oldest go first
MAX_INLINE = 1_000  # inline scenarios defined at runtime, until a reset


class State:
    """One activation: calls and fires per rule, a seeded random stream, token buckets."""

    def __init__(self, scenario: Scenario, seed: str, now_ms: int, via: str) -> None:
        self.scenario, self.via, self.activated_ms = scenario, via, now_ms
        self.calls = [0] * len(scenario.rules)
        self.fired = [0] * len(scenario.rules)
        self.rng = random.Random(seed)
        self.buckets: dict[tuple[int, str], TokenBucket] = {}

    def bucket(self, rule: Rule, caller: str, now_ms: int) -> TokenBucket:
        """A token bucket per rule and caller: one client's bursts never throttle another."""
        rate = rule.match.over_rate
        assert rate is not None
        key = (rule.index, caller)
        if key not in self.buckets:
            if len(self.buckets) >= MAX_BUCKETS:
                self.buckets.pop(next(iter(self.buckets)))
            self.buckets[key] = TokenBucket(rate.per_second, rate.burst, now_ms)
        return self.buckets[key]

    def expired(self, now_ms: int) -> bool:
        limit = self.scenario.expires_after_ms
        return limit is not None and now_ms - self.activated_ms >= limit

    def describe(self, now_ms: int) -> dict[str, Any]:
        return {"via": self.via, "activatedMs": self.activated_ms, "expired": self.expired(now_ms)} | {
            "rules": [
                {"rule": r.label, "calls": c, "fired": f}
                for r, c, f in zip(self.scenario.rules, self.calls, self.fired, strict=True)
            ]
        }


class ScenarioBook:
    def __init__(
        self, scenarios: dict[str, Scenario], clock: MockClock, seed: int | None, startup: Sequence[str]
    ) -> None:
        self.clock = clock
        self.seed = seed if seed is not None else random.SystemRandom().getrandbits(32)
        self.defined = dict(scenarios)
        self._shipped = dict(scenarios)
        for name in startup:
            self.scenario(name)
        self.startup = tuple(startup)
        self.active: dict[str, State] = {}
        self.callers: OrderedDict[tuple[str, str], State] = OrderedDict()
        self.reset()

    def scenario(self, name: str) -> Scenario:
        try:
            return self.defined[name]
        except KeyError:
            raise UnknownScenario(name, self.defined) from None

    def activate(self, name: str, via: str = "admin") -> State:
        """(Re)start ``name``: fresh counters, draws from the start of its seeded sequence."""
        state = State(self.scenario(name), f"{self.seed}:{name}:", self.clock.now_ms(), via)
        self.active.pop(name, None)
        self.active[name] = state
        return state

    def deactivate(self, name: str) -> bool:
        self.scenario(name)
        return self.active.pop(name, None) is not None

    def deactivate_all(self) -> list[str]:
        """Every scenario off but the always-on ones (magic values keep working)."""
        off = [n for n, s in self.active.items() if not s.scenario.always_on]
        for name in off:
            del self.active[name]
        return off

    def define(self, scenario: Scenario) -> None:
        """Add or replace an inline scenario; shipped and fixture scenarios cannot be replaced."""
        existing = self.defined.get(scenario.name)
        if existing is not None and existing.kind != "inline":
            raise ValueError(f"{scenario.name!r} is a {existing.kind} scenario ({existing.source}): pick another name")
        if existing is None and len(self.defined) - len(self._shipped) >= MAX_INLINE:
            raise ValueError(f"at most {MAX_INLINE} inline scenarios: delete some, or POST /__admin/reset")
        self.defined[scenario.name] = scenario

    def is_active(self, name: str) -> bool:
        """Activated and not expired (an expired scenario no longer answers)."""
        state = self.active.get(name)
        return state is not None and not state.expired(self.clock.now_ms())

    def for_caller(self, name: str, caller: str) -> State:
        """The state of ``name`` for one caller of ``X-Mock-Scenario`` (created on first use)."""
        key = (name, caller)
        state = self.callers.get(key)
        if state is None or state.scenario is not self.defined.get(name):
            state = State(self.scenario(name), f"{self.seed}:{name}:{caller}", self.clock.now_ms(), "header")
            self.callers[key] = state
            while len(self.callers) > HEADER_STATES:
                self.callers.popitem(last=False)
        self.callers.move_to_end(key)
        return state

    def running(self) -> Iterator[State]:
        """Active states in the order they answer: always-on first, then by activation."""
        yield from (s for s in self.active.values() if s.scenario.always_on)
        yield from (s for s in self.active.values() if not s.scenario.always_on)

    def reset(self) -> None:
        """Back to start-up: no inline scenarios, always-on and ``--scenario`` ones active, callers forgotten."""
        self.defined = dict(self._shipped)
        self.active.clear()
        self.callers.clear()
        for name, scenario in self.defined.items():
            if scenario.always_on:
                self.activate(name, "always-on")
        for name in self.startup:
            self.activate(name, "startup")

    def describe(self, scenario: Scenario) -> dict[str, Any]:
        now = self.clock.now_ms()
        state = self.active.get(scenario.name)
        return scenario.summary() | {
            "active": self.is_active(scenario.name),
            "state": state.describe(now) if state else None,
            "callers": [
                {"caller": _digest(c)} | s.describe(now) for (n, c), s in self.callers.items() if n == scenario.name
            ],
        }


def _digest(caller: str) -> str:
    """Callers are often access tokens: show a short hash, never the value."""
    return hashlib.sha256(caller.encode()).hexdigest()[:12] if caller else ""

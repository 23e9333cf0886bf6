"""Which scenarios are defined and active, and what each activation remembers.

State lives per activation: one for a scenario switched on at start-up or through the admin
API, and one per (scenario, caller) for ``X-Mock-Scenario`` so parallel tests that name the same
scenario with different access tokens (or ``X-Mock-Caller`` values) never share counters.

Everything is kept in the store (activations, inline definitions, counters, draws, buckets), so
on a fleet a scenario switched on through one replica answers on all of them and counts its
calls once. The n-th random draw of an activation is a function of ("<seed>:<scenario>:<caller>",
n): the same ``--seed`` replays the same sequence, on one process or many, whatever else ran in
between.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..clock import MockClock
from ..store import Activation, Store
from ..store.base import CALLER_LIFETIME_MS
from .checks import suggest
from .model import Rule, Scenario

MAX_INLINE = 1_000  # inline scenarios defined at runtime, until a reset
MAX_CACHED_CALLERS = 4096  # a fleet member's memo of when each caller started
_UNIT = 2.0**-53


class UnknownScenario(LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"no scenario named {name!r}{suggest(name, known)}")


def seeded_uniform(seed: str, n: int) -> float:
    """The n-th draw in [0, 1) of the stream ``seed``: the same on every process."""
    digest = hashlib.blake2b(f"{seed}#{n}".encode(), digest_size=8).digest()
    return (int.from_bytes(digest) >> 11) * _UNIT


class State:
    """One activation: calls and fires per rule, seeded draws and token buckets, in the store under ``scope``."""

    __slots__ = ("activated_ms", "scenario", "scope", "seed", "store", "via")

    def __init__(self, scenario: Scenario, scope: str, seed: str, activated_ms: int, via: str, store: Store) -> None:
        self.scenario, self.scope, self.seed = scenario, scope, seed
        self.activated_ms, self.via, self.store = activated_ms, via, store

    def call(self, rule: Rule) -> int:
        """Count a call that reached ``rule``; its number (from 1)."""
        return self.store.count(self.scope, f"calls.{rule.index}")

    def fire(self, rule: Rule) -> None:
        self.store.count(self.scope, f"fired.{rule.index}")

    def draw(self) -> float:
        """The next seeded draw in [0, 1)."""
        return seeded_uniform(self.seed, self.store.count(self.scope, "draws"))

    def rng(self) -> random.Random:
        """A generator for the next draw (delay distributions), seeded like ``draw``."""
        return random.Random(f"{self.seed}#{self.store.count(self.scope, 'draws')}")

    def take(self, rule: Rule, caller: str, now_ms: int) -> float:
        """A token bucket per rule and caller: one client's bursts never throttle another."""
        rate = rule.match.over_rate
        assert rate is not None
        return self.store.take(
            self.scope, f"rate.{rule.index}.{caller_key(caller)}", rate.per_second, rate.burst, now_ms
        )

    def expired(self, now_ms: int) -> bool:
        limit = self.scenario.expires_after_ms
        return limit is not None and now_ms - self.activated_ms >= limit

    def describe(self, now_ms: int) -> dict[str, Any]:
        counts = self.store.counts(self.scope)
        return {"via": self.via, "activatedMs": self.activated_ms, "expired": self.expired(now_ms)} | {
            "rules": [
                {
                    "rule": r.label,
                    "calls": counts.get(f"calls.{r.index}", 0),
                    "fired": counts.get(f"fired.{r.index}", 0),
                }
                for r in self.scenario.rules
            ]
        }


class ScenarioBook:
    """The defined scenarios (shipped, from fixture files, inline) and the active ones.

    ``parse`` turns an inline definition's body back into a scenario (when another replica
    defined it, or after a restart).
    """

    def __init__(
        self,
        scenarios: dict[str, Scenario],
        clock: MockClock,
        store: Store,
        seed: int,
        startup: Sequence[str],
        parse: Callable[[dict[str, Any]], Scenario],
    ) -> None:
        self.clock, self.store, self.seed, self.parse = clock, store, seed, parse
        self._shipped = dict(scenarios)
        self.defined = dict(scenarios)
        for name in startup:
            self.scenario(name)
        self.startup = tuple(startup)
        self.active: dict[str, State] = {}
        self._order: tuple[State, ...] | None = None  # running(), rebuilt after ``active`` changed
        self._revisions: dict[str, int] = {}
        self._since: dict[tuple[str, str], int] = {}

    def open(self) -> None:
        """At start-up: a fresh state gets the start-up scenarios; a kept one (a restart, another
        replica) keeps its own."""
        if self.store.control().scenarios == 0:
            self.reset()
        else:
            self.reload()

    def scenario(self, name: str) -> Scenario:
        try:
            return self.defined[name]
        except KeyError:
            raise UnknownScenario(name, self.defined) from None

    def activate(self, name: str, via: str = "admin") -> State:
        """(Re)start ``name``: fresh counters, draws from the start of its seeded sequence."""
        scenario = self.scenario(name)
        activation = Activation(name, secrets.token_hex(8), self.clock.now_ms(), via)
        previous = self.active.pop(name, None)
        self._order = None
        self.store.save_activation(activation)
        if previous is not None:
            self.store.drop(previous.scope)
        state = self.active[name] = self._state(scenario, activation)
        return state

    def deactivate(self, name: str) -> bool:
        self.scenario(name)
        return bool(self._switch_off([name]))

    def deactivate_all(self) -> list[str]:
        """Every scenario off but the always-on ones (magic values keep working)."""
        return self._switch_off([n for n, s in self.active.items() if not s.scenario.always_on])

    def _switch_off(self, names: list[str]) -> list[str]:
        dropped = self.store.drop_activations(names)
        self._order = None
        for name in names:
            state = self.active.pop(name, None)
            if state is not None:
                self.store.drop(state.scope)
        return dropped

    def define(self, scenario: Scenario, body: dict[str, Any]) -> None:
        """Add or replace an inline scenario (``body`` defined it); shipped and fixture scenarios
        cannot be replaced."""
        existing = self.defined.get(scenario.name)
        if existing is not None and existing.kind != "inline":
            raise ValueError(f"{scenario.name!r} is a {existing.kind} scenario ({existing.source}): pick another name")
        if existing is None and len(self.defined) - len(self._shipped) >= MAX_INLINE:
            raise ValueError(f"at most {MAX_INLINE} inline scenarios: delete some, or POST /__admin/reset")
        self._revisions[scenario.name] = self.store.define_inline(scenario.name, body)
        self.defined[scenario.name] = scenario

    def is_active(self, name: str) -> bool:
        """Activated and not expired (an expired scenario no longer answers)."""
        state = self.active.get(name)
        return state is not None and not state.expired(self.clock.now_ms())

    def for_caller(self, name: str, caller: str) -> State:
        """The state of ``name`` for one caller of ``X-Mock-Scenario`` (created on first use)."""
        scenario = self.scenario(name)
        scope, key = self._caller_scope(name), caller_key(caller)
        since = self._since.get((scope, key))
        now = self.clock.now_ms()
        if since is None or now - since >= CALLER_LIFETIME_MS or not self.store.shared:
            since = self.store.caller_since(scope, key, now)
            if self.store.shared:  # it never changes: one round trip per caller, not per request
                if len(self._since) >= MAX_CACHED_CALLERS:
                    self._since.clear()
                self._since[(scope, key)] = since
        return State(scenario, f"{scope}|{key}", f"{self.seed}:{name}:{caller}", since, "header", self.store)

    def running(self) -> tuple[State, ...]:
        """Active states in the order they answer: always-on first, then by activation (kept
        between changes: every vendor request asks)."""
        order = self._order
        if order is None:
            states = self.active.values()
            order = self._order = (
                *(s for s in states if s.scenario.always_on),
                *(s for s in states if not s.scenario.always_on),
            )
        return order

    def reset(self) -> None:
        """Back to start-up (after the store was reset): no inline scenarios, always-on and
        ``--scenario`` ones active, callers forgotten."""
        self.defined = dict(self._shipped)
        self.active.clear()
        self._order = None
        self._revisions.clear()
        self._since.clear()
        for name, scenario in self.defined.items():
            if scenario.always_on:
                self.activate(name, "always-on")
        for name in self.startup:
            self.activate(name, "startup")

    def reload(self) -> None:
        """Follow the store: what another replica (or this one before a restart) defined and switched on."""
        self.defined = dict(self._shipped)
        self._revisions.clear()
        for name, (revision, body) in self.store.inline_scenarios().items():
            self.defined[name] = self.parse(body)
            self._revisions[name] = revision
        kept = self.active
        self.active = {}
        self._order = None
        for name, activation in self.store.activations().items():
            scenario = self.defined.get(name)
            if scenario is None:
                continue
            old = kept.get(name)
            same = old is not None and old.scope == _scope(activation) and old.scenario is scenario
            self.active[name] = old if same and old is not None else self._state(scenario, activation)

    def forget_callers(self) -> None:
        self._since.clear()

    def describe(self, scenario: Scenario) -> dict[str, Any]:
        now = self.clock.now_ms()
        state = self.active.get(scenario.name)
        scope = self._caller_scope(scenario.name)
        callers = [
            {"caller": key[:12]} | State(scenario, f"{scope}|{key}", "", since, "header", self.store).describe(now)
            for key, since in self.store.callers(scope).items()
        ]
        return scenario.summary() | {
            "active": self.is_active(scenario.name),
            "state": state.describe(now) if state else None,
            "callers": callers,
        }

    def _state(self, scenario: Scenario, activation: Activation) -> State:
        seed = f"{self.seed}:{activation.name}:"
        return State(scenario, _scope(activation), seed, activation.activated_ms, activation.via, self.store)

    def _caller_scope(self, name: str) -> str:
        return f"caller:{name}@{self._revisions.get(name, 0)}"


def _scope(activation: Activation) -> str:
    return f"activation:{activation.name}:{activation.id}"


def caller_key(caller: str) -> str:
    """Callers are often access tokens: kept and shown as a hash, never the value."""
    return hashlib.sha256(caller.encode()).hexdigest()[:32] if caller else ""

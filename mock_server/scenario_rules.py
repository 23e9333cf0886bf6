"""One scenario rule from its dict, checked against the catalog (the part of loading that thinks).

A rule's endpoints are narrowed to those it can match (its ``endpoint``, ``host`` and ``method``
conditions, and the request fields its predicates name), and its answer is checked for each of
them: the code is documented there, the message key exists, the data validates.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .catalog import Catalog, Endpoint
from .envelope import Outcome
from .faults import FAULT_NAMES, Delay, Fault
from .ids import IdFactory
from .predicates import FieldPredicate, PredicateError, parse_predicate
from .protocols import ENVELOPES
from .scenarios import Match, Rate, Respond, Rule
from .schemas import ContractSchemas

RESERVED = frozenset(
    ("endpoint", "protocol", "host", "method", "call", "every", "first", "after", "probability", "window", "overRate")
)
Path = list[str | int]


class ScenarioError(ValueError):
    """A scenario that cannot work; ``pointer`` is the JSON path of the culprit."""

    def __init__(self, pointer: Path, message: str) -> None:
        super().__init__(f"{'/'.join(map(str, pointer)) or '(top)'}: {message}")
        self.pointer, self.message = pointer, message


def suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def is_template(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{")


def merge(base: Any, override: Any) -> Any:
    """``override`` laid over ``base``: objects key by key (recursively), anything else replaced."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        merged[key] = merge(merged.get(key), value)
    return merged


class RuleBuilder:
    def __init__(
        self, catalog: Catalog, contract: ContractSchemas, example_data: Mapping[tuple[str, str], Any]
    ) -> None:
        self.catalog, self.contract, self.example_data = catalog, contract, example_data
        self.protocols = {e.protocol: e.protocol for e in catalog.endpoints.values()}
        self.ids = IdFactory(0)

    def rule(self, index: int, raw: Mapping[str, Any]) -> Rule:
        at: Path = ["rules", index]
        match = self.match(raw.get("match", {}), [*at, "match"])
        protocols = self.names(raw.get("match", {}).get("protocol"), self.protocols, [*at, "match", "protocol"])
        endpoints = self.candidates(match, protocols, [*at, "match"])
        match = replace(match, endpoints=frozenset(e.id for e in endpoints))
        groups = {g for p in match.fields if p.pattern is not None for g in p.pattern.groupindex}
        respond = self.respond(raw["respond"], match, endpoints, groups, [*at, "respond"])
        return Rule(index, raw.get("name", f"#{index + 1}"), match, respond)

    def match(self, raw: Mapping[str, Any], at: Path) -> Match:
        window, rate = raw.get("window"), raw.get("overRate")
        return Match(
            endpoints=self.names(raw.get("endpoint"), self.catalog.endpoints, [*at, "endpoint"]),
            hosts=self.names(raw.get("host"), self.catalog.hosts, [*at, "host"]),
            methods=frozenset(_listed(raw["method"])) if "method" in raw else None,
            fields=tuple(self.predicate(k, v, [*at, k]) for k, v in raw.items() if k not in RESERVED),
            calls=frozenset(_listed(raw["call"])) if "call" in raw else None,
            every=raw.get("every"),
            first=raw.get("first"),
            after=raw.get("after"),
            probability=raw.get("probability"),
            window=(window.get("fromMs", 0), window.get("toMs")) if window else None,
            over_rate=Rate(rate["perSecond"], rate.get("burst", math.ceil(rate["perSecond"]))) if rate else None,
        )

    def names(self, raw: Any, known: Mapping[str, Any], at: Path) -> frozenset[str] | None:
        if raw is None:
            return None
        for name in _listed(raw):
            if name not in known:
                raise ScenarioError(at, f"unknown {at[-1]} {name!r}{suggest(name, known)}")
        return frozenset(_listed(raw))

    def predicate(self, key: str, value: Any, at: Path) -> FieldPredicate:
        try:
            return parse_predicate(key, value)
        except PredicateError as exc:
            raise ScenarioError(at, str(exc)) from None

    def candidates(self, match: Match, protocols: frozenset[str] | None, at: Path) -> list[Endpoint]:
        """The endpoints this rule can answer for; a field no candidate has is an error."""
        found = [
            e
            for e in self.catalog.endpoints.values()
            if (match.endpoints is None or e.id in match.endpoints)
            and (protocols is None or e.protocol in protocols)
            and (match.methods is None or e.method in match.methods)
            and (match.hosts is None or any(r.host in match.hosts for r in e.routes))
        ]
        for predicate in match.fields:
            found = self.narrow(found, predicate, [*at, predicate.key])
        if not found:
            raise ScenarioError(at, "no endpoint can match these conditions")
        return found

    def narrow(self, endpoints: list[Endpoint], predicate: FieldPredicate, at: Path) -> list[Endpoint]:
        fields = {e.id: set(self.contract.requests[e.id].get("properties", {})) for e in endpoints}
        for name in predicate.fields:
            if not any(name in names for names in fields.values()):
                known = set().union(*fields.values(), RESERVED)
                where = "any endpoint" if len(endpoints) == len(self.catalog.endpoints) else _ids(endpoints)
                raise ScenarioError(
                    at, f"{name!r} is not a condition nor a request field of {where}{suggest(name, known)}"
                )
        if predicate.lookup == "exists":
            return endpoints
        return [e for e in endpoints if fields[e.id] & set(predicate.fields)]

    def respond(
        self, raw: Mapping[str, Any], match: Match, endpoints: list[Endpoint], groups: set[str], at: Path
    ) -> Respond:
        code, fault = raw.get("code"), self.fault(raw.get("fault"), groups, [*at, "fault"])
        self.template(code, groups, [*at, "code"])
        self.template(raw.get("delayMs"), groups, [*at, "delayMs"])
        if isinstance(fault, Fault):
            self.check_fault(fault, code, endpoints, at)
        if code is None or is_template(code):
            for key in ("message", "data", "httpStatus") if code is None else ("message", "data"):
                if key in raw:
                    raise ScenarioError([*at, key], f"{key} needs a literal code to go with")
        if raw.get("retryAfter") == "auto" and match.over_rate is None:
            raise ScenarioError([*at, "retryAfter"], '"auto" needs an overRate condition to compute it from')
        datas = self.datas(raw, endpoints, at) if code is not None and not is_template(code) else {}
        delay = raw.get("delayMs")
        return Respond(
            code=code,
            message=raw.get("message"),
            datas=datas,
            headers=dict(raw.get("headers", {})),
            http_status=raw.get("httpStatus"),
            retry_after=str(raw["retryAfter"]) if "retryAfter" in raw else None,
            delay=delay if is_template(delay) or delay is None else Delay.parse(delay),
            fault=fault,
        )

    def template(self, value: Any, groups: set[str], at: Path) -> None:
        if is_template(value) and value.strip("{}") not in groups:
            raise ScenarioError(at, f"{value} names no named group of this rule's regex predicates")

    def fault(self, raw: Any, groups: set[str], at: Path) -> Fault | str | None:
        if raw is None or is_template(raw):
            self.template(raw, groups, at)
            return raw  # type: ignore[no-any-return]
        name = raw if isinstance(raw, str) else raw["type"]
        if name not in FAULT_NAMES:
            raise ScenarioError(
                at, f"unknown fault {name!r}{suggest(name, FAULT_NAMES)} (known: {', '.join(FAULT_NAMES)})"
            )
        return Fault(name, {} if isinstance(raw, str) else {k: v for k, v in raw.items() if k != "type"})

    def check_fault(self, fault: Fault, code: Any, endpoints: list[Endpoint], at: Path) -> None:
        if code is not None and not fault.needs_answer:
            raise ScenarioError([*at, "code"], f"fault {fault.name} sends no envelope of a code: drop code")
        if fault.envelope is not None:
            self.documented(fault.envelope[0], endpoints, [*at, "fault"])

    def documented(self, code: str, endpoints: list[Endpoint], at: Path) -> None:
        missing = [e for e in endpoints if code not in e.codes]
        if len(missing) == 1:
            known = ", ".join(missing[0].codes)
            raise ScenarioError(at, f"{code} is not documented for {missing[0].id} (it has {known})")
        if missing:
            hint = "add an endpoint or protocol condition" if len(missing) < len(endpoints) else "no endpoint has it"
            raise ScenarioError(at, f"{code} is not documented for {_ids(missing)}: {hint}")

    def datas(self, raw: Mapping[str, Any], endpoints: list[Endpoint], at: Path) -> dict[str, Any]:
        """Each endpoint's data for the code: its example's, with ``data`` laid over; checked by schema."""
        code, found = raw["code"], {}
        self.documented(code, endpoints, [*at, "code"])
        for endpoint in endpoints:
            spec = endpoint.codes[code]
            if "message" in raw and raw["message"] not in spec.messages:
                known = ", ".join(spec.messages)
                raise ScenarioError(
                    [*at, "message"], f"{code} of {endpoint.id} has no message {raw['message']!r} ({known})"
                )
            base = self.example_data.get((endpoint.id, code)) if spec.data else None
            data = merge(base, raw["data"]) if "data" in raw else base
            outcome = Outcome(code, data, raw.get("message"))
            body = ENVELOPES[endpoint.protocol].render(spec, outcome, self.ids).body
            problems = self.contract.response_problems(endpoint.id, body)
            if problems:
                raise ScenarioError([*at, "data"], f"{endpoint.id} {code} would break its schema: {problems[0]}")
            found[endpoint.id] = data
        return found


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _ids(endpoints: Iterable[Endpoint]) -> str:
    return ", ".join(e.id for e in endpoints)

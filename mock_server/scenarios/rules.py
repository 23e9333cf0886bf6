"""One scenario rule from its dict, checked against the catalog (the part of loading that thinks).

A rule's endpoints are narrowed to those it can match (its ``endpoint``, ``protocol``, ``host``
and ``method`` conditions, and the request fields its predicates name); ``checks`` then
checks its answer for each of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..contract.catalog import Catalog, Endpoint
from ..contract.schemas import ContractSchemas
from ..predicates import FieldPredicate, PredicateError, parse_predicate
from .checks import AnswerChecker, Path, ScenarioError, ids_of, suggest
from .model import Match, Rate, Rule

RESERVED = frozenset(
    ("endpoint", "protocol", "host", "method", "call", "every", "first", "after", "probability", "window", "overRate")
)


class RuleBuilder:
    def __init__(
        self,
        catalog: Catalog,
        contract: ContractSchemas,
        example_data: Mapping[tuple[str, str], Any],
        *,
        check_data: bool = True,
    ) -> None:
        self.catalog, self.contract = catalog, contract
        self.protocols = {e.protocol: e.protocol for e in catalog.endpoints.values()}
        self.answers = AnswerChecker(contract, example_data, check_data=check_data)

    def rule(self, index: int, raw: Mapping[str, Any]) -> Rule:
        at: Path = ["rules", index]
        match = self.match(raw.get("match", {}), [*at, "match"])
        protocols = self.names(raw.get("match", {}).get("protocol"), self.protocols, [*at, "match", "protocol"])
        endpoints = self.candidates(match, protocols, [*at, "match"])
        match = replace(match, endpoints=frozenset(e.id for e in endpoints))
        groups = {g for p in match.fields if p.pattern is not None for g in p.pattern.groupindex}
        respond = self.answers.respond(raw["respond"], match, endpoints, groups, [*at, "respond"])
        return Rule(index, raw.get("name", f"#{index + 1}"), match, respond)

    def match(self, raw: Mapping[str, Any], at: Path) -> Match:
        window, rate = raw.get("window"), raw.get("overRate")
        if window and window.get("toMs") is not None and window["toMs"] <= window.get("fromMs", 0):
            raise ScenarioError([*at, "window"], "toMs must be after fromMs: this window would never open")
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
                where = "any endpoint" if len(endpoints) == len(self.catalog.endpoints) else ids_of(endpoints)
                raise ScenarioError(
                    at, f"{name!r} is not a condition nor a request field of {where}{suggest(name, known)}"
                )
        if predicate.lookup == "exists":
            return endpoints
        return [e for e in endpoints if fields[e.id] & set(predicate.fields)]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]

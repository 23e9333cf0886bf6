"""What a rule answers, checked for each endpoint it can match; and the error scenario checks raise.

A code must be documented by every endpoint of the rule, a message key must exist, data laid over
the example's must still validate against the code's schema (rendered in the endpoint's own
protocol), a fault must be known, a ``{group}`` template must name a regex group of the rule.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..contract.catalog import Endpoint
from ..contract.envelopes import ENVELOPES
from ..contract.outcome import Outcome
from ..contract.schemas import ContractSchemas
from ..ids import IdFactory
from ..jsonwire import dumps
from .faults import FAULT_NAMES, Delay, Fault
from .model import Match, Respond

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


class AnswerChecker:
    def __init__(
        self, contract: ContractSchemas, example_data: Mapping[tuple[str, str], Any], *, check_data: bool = True
    ) -> None:
        self.contract, self.example_data, self.check_data_too = contract, example_data, check_data
        self.ids = IdFactory(0)

    def respond(
        self, raw: Mapping[str, Any], match: Match, endpoints: list[Endpoint], groups: set[str], at: Path
    ) -> Respond:
        code, fault = raw.get("code"), self.fault(raw.get("fault"), groups, [*at, "fault"])
        self.template(code, groups, [*at, "code"])
        self.template(raw.get("delayMs"), groups, [*at, "delayMs"])
        if isinstance(fault, Fault):
            self.check_fault(fault, code, endpoints, at)
        if (code is None or is_template(code)) and "body" not in raw:
            for key in ("message", "data", "httpStatus") if code is None else ("message", "data"):
                if key in raw:
                    raise ScenarioError([*at, key], f"{key} needs a literal code to go with")
        if "body" in raw:
            self.literal(raw, at)
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
            body=dumps(raw["body"]) if "body" in raw else None,
        )

    def literal(self, raw: Mapping[str, Any], at: Path) -> None:
        """A ``body`` is the whole answer (a recording): no code, data, message or fault beside it."""
        for key in ("code", "data", "message", "fault"):
            if key in raw:
                raise ScenarioError([*at, key], f"{key} cannot go with body: the body is the whole answer")

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
            raise ScenarioError(at, f"{code} is not documented for {ids_of(missing)}: {hint}")

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
            if "data" in raw:  # a documented example alone needs no check here: tests/contract checks them all
                base = merge(base, raw["data"])
                if self.check_data_too:
                    self.check_data(endpoint, code, base, raw.get("message"), at)
            found[endpoint.id] = base
        return found

    def check_data(self, endpoint: Endpoint, code: str, data: Any, message: str | None, at: Path) -> None:
        outcome = Outcome(code, data, message)
        body = ENVELOPES[endpoint.protocol].render(endpoint.codes[code], outcome, self.ids).body
        problems = self.contract.response_problems(endpoint.id, body)
        if problems:
            raise ScenarioError([*at, "data"], f"{endpoint.id} {code} would break its schema: {problems[0]}")


def ids_of(endpoints: Iterable[Endpoint]) -> str:
    return ", ".join(e.id for e in endpoints)

"""Request-field predicates in respx/Django lookup style: ``userId__startswith: mock-``.

A key is a field path and an optional lookup after ``__``: dots walk into objects and arrays
(``mobileTipsPage.tips.0.text``), ``|`` gives alternatives (``userId|bizId__startswith``: any of
them). Scenarios match requests with them and journal filters select records with them, so both
speak one small language. ``regex`` hands its named groups back (scenario templates use them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Captures = dict[str, str]
_MISSING = object()


class PredicateError(ValueError):
    """A predicate key or value that cannot work (unknown lookup, bad regex, wrong type)."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _eq(actual: Any, expected: Any) -> bool:
    return bool(actual == expected) or (isinstance(expected, str) and _text(actual) == expected)


def _str_test(test: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    return lambda actual, expected: isinstance(actual, str) and test(actual, expected)


LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _eq,
    "ne": lambda actual, expected: not _eq(actual, expected),
    "startswith": _str_test(str.startswith),
    "endswith": _str_test(str.endswith),
    "contains": _str_test(str.__contains__),
    "in": lambda actual, expected: any(_eq(actual, item) for item in expected),
    "exists": lambda actual, expected: (actual not in (_MISSING, None)) == bool(expected),
}


@dataclass(frozen=True)
class FieldPredicate:
    key: str
    paths: tuple[tuple[str, ...], ...]
    lookup: str
    expected: Any
    pattern: re.Pattern[str] | None = None
    prefix: str = ""  # a regex's literal start: most values are ruled out by a startswith

    @property
    def fields(self) -> tuple[str, ...]:
        """The top-level field of each alternative (what a request schema must define)."""
        return tuple(path[0] for path in self.paths)

    def match(self, params: Mapping[str, Any]) -> Captures | None:
        """The regex captures ({} for other lookups) when some alternative matches, else None."""
        for path in self.paths:
            simple = len(path) == 1 and type(params) is dict
            actual = params.get(path[0], _MISSING) if simple else value_at(params, path)
            if self.pattern is not None:
                if type(actual) is not str or not actual.startswith(self.prefix):
                    continue
                found = self.pattern.search(actual)
                if found:
                    return {k: v for k, v in found.groupdict().items() if v is not None}
            elif (actual is not _MISSING or self.lookup == "exists") and LOOKUPS[self.lookup](actual, self.expected):
                return {}
        return None


def parse_predicate(key: str, expected: Any) -> FieldPredicate:
    """``userId__startswith`` + ``"mock-"`` -> a predicate; PredicateError says what is wrong."""
    field, _, lookup = key.partition("__")
    lookup = lookup or "eq"
    if lookup != "regex" and lookup not in LOOKUPS:
        known = ", ".join(sorted([*LOOKUPS, "regex"]))
        raise PredicateError(f"{key}: unknown lookup {lookup!r} (known: {known})")
    paths = tuple(tuple(alt.split(".")) for alt in field.split("|"))
    if not field or any("" in path for path in paths):
        raise PredicateError(f"{key}: an empty field name")
    pattern = _regex(key, expected) if lookup == "regex" else None
    if lookup == "in" and not isinstance(expected, list):
        raise PredicateError(f"{key}: 'in' needs a list of values")
    prefix = _literal_prefix(expected) if pattern is not None else ""
    return FieldPredicate(key, paths, lookup, expected, pattern, prefix)


def _literal_prefix(pattern: str) -> str:
    """The plain text an anchored pattern must start with ("^mock-code-(?P<c>..." -> "mock-code-")."""
    if not pattern.startswith("^") or _alternates_at_top(pattern):
        return ""
    literal = re.match(r"[A-Za-z0-9 _-]*", pattern[1:])
    text = literal.group(0) if literal else ""
    rest = pattern[1 + len(text) :]
    return text[:-1] if rest[:1] in ("*", "+", "?", "{") else text


def _regex(key: str, expected: Any) -> re.Pattern[str]:
    if not isinstance(expected, str):
        raise PredicateError(f"{key}: 'regex' needs a string pattern")
    try:
        return re.compile(expected)
    except re.error as exc:
        raise PredicateError(f"{key}: bad regular expression: {exc}") from None


def value_at(params: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (object keys, array indexes), or a private MISSING marker."""
    node = params
    for step in path:
        if type(node) is dict or isinstance(node, Mapping):  # the exact type first: the common case, and cheap
            node = node.get(step, _MISSING)
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return _MISSING
        if node is _MISSING:
            return node
    return node


def _alternates_at_top(pattern: str) -> bool:
    """``^a|b`` matches "b" anywhere: a ``|`` outside groups and classes voids the prefix."""
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False

"""Volatile values (ids, times, links, media, tokens) replaced by typed placeholders, by rule.

The rules are data (``schemas/volatile.yaml``): a member's name or a string's form. A placeholder
names the rule and keeps the value's JSON type (``"<time:integer>"``), so comparing two answers
ignores the values but not a change of type. ``stand_in`` turns a placeholder back into a value of
that type, for checks that need one (the drift report runs snapshots through the schemas).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..contract.conformance import json_type
from ..contract.fixtures import load_checked
from ..contract.resources import schemas_dir

RULES_FILE = "volatile.yaml"
PLACEHOLDER = re.compile(r"^<([a-z][a-z0-9-]*):(string|integer|number|boolean|array|object)>$")
STAND_INS: dict[str, Any] = {"string": "x", "integer": 0, "number": 0.5, "boolean": False, "array": [], "object": {}}


@dataclass(frozen=True)
class Rule:
    name: str
    key: re.Pattern[str] | None = None
    value: re.Pattern[str] | None = None


@cache
def default_rules() -> tuple[Rule, ...]:
    return load_rules(schemas_dir() / RULES_FILE)


def load_rules(path: Path) -> tuple[Rule, ...]:
    """The rules of a file in ``volatile.yaml``'s format (checked: a bad file names its line)."""
    import json

    schema = json.loads((schemas_dir() / "volatile.schema.json").read_text(encoding="utf-8"))
    data = load_checked(path, schema)
    return tuple(
        Rule(
            rule["name"],
            re.compile(rule["key"]) if "key" in rule else None,
            re.compile(rule["value"]) if "value" in rule else None,
        )
        for rule in data["rules"]
    )


def normalise(value: Any, rules: Sequence[Rule] | None = None) -> Any:
    """``value`` with every volatile member or string replaced by its placeholder."""
    return _walk(value, None, default_rules() if rules is None else tuple(rules))


def _walk(value: Any, key: str | None, rules: tuple[Rule, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, k, rules) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, key, rules) for item in value]
    if value is None:
        return None
    for rule in rules:
        if rule.key is not None and key is not None and rule.key.fullmatch(key):
            return placeholder(rule.name, value)
        if rule.value is not None and isinstance(value, str) and rule.value.search(value):
            return placeholder(rule.name, value)
    return value


def placeholder(name: str, value: Any) -> str:
    return f"<{name}:{json_type(value)}>"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.match(value) is not None


def stand_in(value: Any) -> Any:
    """A value of the placeholder's type (the value itself when it is no placeholder)."""
    found = PLACEHOLDER.match(value) if isinstance(value, str) else None
    return STAND_INS[found.group(2)] if found else value

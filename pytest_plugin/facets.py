"""What a request field accepts, read from its (bundled) JSON Schema: the facts mutations need."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


@dataclass(frozen=True)
class Facets:
    """What one field accepts: JSON types, enum values, whether it is a URL, integer bounds, maxLength."""

    types: frozenset[str]
    enum: tuple[Any, ...]
    url: bool
    bounds: tuple[int | None, int | None] | None
    max_length: int | None


def facets(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Facets:
    """Read through ``$ref`` (into the request schema ``root``), ``anyOf`` and ``oneOf``."""
    types: set[str] = set()
    enum: list[Any] = []
    url, bounds, max_length = False, None, None
    for branch in _branches(schema, root):
        kind = branch.get("type")
        types.update([kind] if isinstance(kind, str) else kind or [])
        values = branch.get("enum", [])
        enum += [v for v in values if v is not None]
        types.update(json_type(v) for v in values)
        url = url or _url_pattern(str(branch.get("pattern", "")))
        if kind == "integer":
            bounds = (branch.get("minimum"), branch.get("maximum"))
        if kind == "string" and "maxLength" in branch and not values:
            max_length = branch["maxLength"]
    return Facets(frozenset(types), tuple(enum), url, bounds, max_length)


def _url_pattern(pattern: str) -> bool:
    """A pattern that accepts an https URL and refuses it without its scheme (however it is spelled)."""
    if not pattern:
        return False
    return re.search(pattern, "https://www.example.com/") is not None and re.search(pattern, "www.example.com/") is None


def _branches(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    if "$ref" in schema:
        yield from _branches(root["definitions"][schema["$ref"].rsplit("/", 1)[1]], root)
    elif "anyOf" in schema or "oneOf" in schema:
        for branch in schema.get("anyOf", schema.get("oneOf", [])):
            yield from _branches(branch, root)
    else:
        yield schema


def fields(schema: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Every property, and the properties of object properties (ConfigureUI's pages)."""
    for name, sub in schema.get("properties", {}).items():
        yield (name,), sub
        for inner, leaf in sub.get("properties", {}).items():
            yield (name, inner), leaf


def json_type(value: Any) -> str:
    """The JSON Schema type name of a Python value (bool before int: True is an int)."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "null")

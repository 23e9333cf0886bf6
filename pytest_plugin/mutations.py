"""One-field mutations that make a valid request invalid, and the answer each must get.

The expectation is derived from the documentation as data, not from the mock's validator: a
missing, null or empty required field (or none of an "either this or that" pair) is the endpoint's
``errors.empty``; a field the catalog names (``errors.fields``, longest pattern first, ``*`` any
array index) gets its own code and message; anything else is ``errors.invalid``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
from hypothesis import strategies as st

from mock_server.catalog import Endpoint, ErrorTarget

MISSING: Any = object()  # the field is removed
WRONG_TYPES = {"string": "text", "integer": 42, "number": 4.5, "boolean": True, "array": ["x"], "object": {"x": 1}}
BAD_URLS = (
    "www.example.com/back",
    "ftp://example.com/back",
    "https://",
    "https://exa mple.com/",
    "javascript:alert(1)",
)
BAD_REGIONS = ("XX", "XXX", "Indonesia", "idn", "I", "ID1")


@dataclass(frozen=True)
class Facets:
    """What one field accepts, read from its schema (through $ref, anyOf and oneOf)."""

    types: frozenset[str]
    enum: tuple[Any, ...]
    url: bool
    bounds: tuple[int | None, int | None] | None
    max_length: int | None


@dataclass(frozen=True)
class Mutation:
    """Set the field at ``path`` to one of ``values`` (MISSING: remove it and the rest of ``group``)."""

    kind: str
    path: tuple[str, ...]
    values: st.SearchStrategy[Any]
    group: tuple[str, ...] = ()


def facets(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Facets:
    types: set[str] = set()
    enum: list[Any] = []
    url, bounds, max_length = False, None, None
    for branch in _branches(schema, root):
        kind = branch.get("type")
        types.update([kind] if isinstance(kind, str) else kind or [])
        values = branch.get("enum", [])
        enum += [v for v in values if v is not None]
        types.update("null" if v is None else "string" for v in values)
        url = url or str(branch.get("pattern", "")).startswith("^https?://")
        if kind == "integer":
            bounds = (branch.get("minimum"), branch.get("maximum"))
        if kind == "string" and "maxLength" in branch and not values:
            max_length = branch["maxLength"]
    return Facets(frozenset(types), tuple(enum), url, bounds, max_length)


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


def mutations(schema: Mapping[str, Any], query: bool) -> list[Mutation]:
    """Every mutation the schema allows; over a query string only strings can be sent."""
    found = [Mutation("missing_required", (name,), st.just(MISSING), (name,)) for name in schema.get("required", [])]
    either = tuple(required_names(schema)[len(schema.get("required", [])) :])
    if either:
        found.append(Mutation("missing_required", either[:1], st.just(MISSING), either))
    empties = st.sampled_from(("",) if query else ("", None))
    found += [Mutation("empty_required", (name,), empties) for name in required_names(schema)]
    for path, sub in fields(schema):
        found += list(_value_mutations(path, facets(sub, schema), query))
    return [_rejected(m, field_validator(schema, m.path)) for m in found]


def _rejected(mutation: Mutation, validator: jsonschema.protocols.Validator) -> Mutation:
    """Only values the field's own schema refuses. Removals and empties are judged on the whole
    request instead: an empty signatureId beside a livenessId is fine, alone it is not."""
    if mutation.kind in ("missing_required", "empty_required"):
        return mutation
    values = mutation.values.filter(lambda v: not validator.is_valid(v))
    return Mutation(mutation.kind, mutation.path, values, mutation.group)


def _value_mutations(path: tuple[str, ...], f: Facets, query: bool) -> Iterator[Mutation]:
    if path[-1] == "region":
        yield Mutation("bad_region", path, st.sampled_from(BAD_REGIONS))
    elif f.enum:
        variants = [str(v).swapcase() for v in f.enum if isinstance(v, str)] + ["UNKNOWN"]
        yield Mutation("bad_enum", path, st.sampled_from(variants))
    if f.url:
        yield Mutation("malformed_url", path, st.sampled_from(BAD_URLS))
    if f.bounds is not None and not query:
        low, high = f.bounds
        edges = [
            v
            for v in ((low - 1) if low is not None else None, (high + 1) if high is not None else None)
            if v is not None
        ]
        yield Mutation("out_of_range", path, st.sampled_from(edges))
    if f.max_length is not None:
        limit = f.max_length
        yield Mutation("too_long", path, st.integers(1, 16).map(lambda extra: "x" * (limit + extra)))
    wrong = [WRONG_TYPES[t] for t in WRONG_TYPES if t not in f.types and not (t == "integer" and "number" in f.types)]
    if wrong and not query:
        yield Mutation("wrong_type", path, st.sampled_from(wrong))


def required_names(schema: Mapping[str, Any]) -> list[str]:
    """Required fields, and the fields of "one of these is required" groups."""
    names = list(schema.get("required", []))
    for group in schema.get("anyOf", []):
        names += [n for n in group.get("required", []) if n not in names]
    return names


def apply(params: Mapping[str, Any], mutation: Mutation, value: Any) -> dict[str, Any]:
    """``params`` with the mutation's field set to ``value`` (a copy; nested objects created)."""
    out = dict(params)
    if value is MISSING:
        for name in mutation.group:
            out.pop(name, None)
        return out
    node = out
    for name in mutation.path[:-1]:
        child = node.get(name)
        node[name] = child = dict(child) if isinstance(child, dict) else {}
        node = child
    node[mutation.path[-1]] = value
    return out


def expected(
    endpoint: Endpoint, schema: Mapping[str, Any], path: tuple[str, ...], mutated: Mapping[str, Any]
) -> ErrorTarget:
    """The documented answer to ``mutated``, whose only problem is at ``path``: the first catalog
    rule naming exactly that field (and, with ``when``, the JSON Schema keyword it breaks)."""
    presence = {k: schema[k] for k in ("required", "anyOf", "definitions") if k in schema}
    if not jsonschema.Draft7Validator(presence).is_valid(mutated):
        return endpoint.errors.empty
    value = value_at(mutated, path)
    if len(path) == 1 and value in (None, "") and path[0] in required_names(schema):
        return endpoint.errors.empty
    broken = {e.validator for e in field_validator(schema, path).iter_errors(value) if not e.path}
    for pattern, target in endpoint.errors.fields:
        named = len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path, strict=True))
        if named and (not target.when or broken & set(target.when)):
            return target
    return endpoint.errors.invalid


def value_at(params: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = params
    for name in path:
        node = node.get(name) if isinstance(node, Mapping) else None
    return node


def field_validator(schema: Mapping[str, Any], path: tuple[str, ...]) -> jsonschema.protocols.Validator:
    """A validator of one field's own schema (its refs resolve in the request schema)."""
    sub = dict(fields(schema))[path]
    return jsonschema.Draft7Validator({**sub, "definitions": schema.get("definitions", {})})

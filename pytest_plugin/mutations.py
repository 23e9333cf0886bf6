"""One-field mutations that make a valid request invalid, and the answer each must get.

The expectation is derived from the documentation as data, not from the mock's validator: a
missing, null or empty required field (or none of an "either this or that" pair) is the endpoint's
``errors.empty``; a field the catalog names (``errors.fields``: the first rule naming exactly that
field, ``*`` any array index, and with ``when`` only for those JSON Schema keywords) gets its own
code and message; anything else is ``errors.invalid``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
from hypothesis import strategies as st

from mock_server.contract.catalog import Endpoint, ErrorTarget

from .facets import Facets, facets, fields

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
class Mutation:
    """Set the field at ``path`` to one of ``values`` (MISSING: remove it and the rest of ``group``)."""

    kind: str
    path: tuple[str, ...]
    values: st.SearchStrategy[Any]
    group: tuple[str, ...] = ()


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
        yield Mutation(
            "out_of_range", path, st.sampled_from([b + step for b, step in ((low, -1), (high, 1)) if b is not None])
        )
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

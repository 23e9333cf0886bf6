"""Hypothesis strategies for requests, built from the bundled JSON Schemas with hypothesis-jsonschema.

``valid_requests(endpoint)`` draws a documented route and a request its schema accepts, with
realistic URLs, ids and texts (Faker) where the schema alone gives noise. ``invalid_requests``
draws a valid request and breaks one field (missing or empty required field, wrong type, bad enum,
malformed URL, out of range, too long, bad region); each carries the documented code and message
it must get. Examples shrink towards the first route, the first mutation and the simplest values.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import jsonschema
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from mock_server.contract.catalog import Route

from . import spec
from .fakes import realistic
from .mutations import Mutation, apply, expected, mutations, value_at

KINDS = (
    "missing_required",
    "empty_required",
    "wrong_type",
    "bad_enum",
    "malformed_url",
    "out_of_range",
    "too_long",
    "bad_region",
)


@dataclass(frozen=True)
class ApiRequest:
    """A request to one documented route; ``send`` it with ``liveness_api``."""

    endpoint_id: str
    route: Route
    params: dict[str, Any]

    def send(self, client: Any) -> httpx.Response:
        if spec.endpoint(self.endpoint_id).request_in == "query":
            return client.get(self.route.path, params=self.params, host=self.route.host)  # type: ignore[no-any-return]
        action = {"headers": {"X-TC-Action": self.route.action}} if self.route.action else {}  # Tencent: POST /
        return client.post(self.route.path, json=self.params, host=self.route.host, **action)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class InvalidRequest(ApiRequest):
    """A request with one problem, and the documented answer it must get."""

    kind: str = ""
    field: str = ""
    code: str = ""
    message: str = ""

    @property
    def expect(self) -> tuple[str, str]:
        return self.code, self.message

    @property
    def why(self) -> str:
        value = value_at(self.params, tuple(self.field.split("/")))
        shown = "removed" if self.kind == "missing_required" else f"= {value!r}"
        return f"{self.kind}: {self.field} {shown}"


def valid_requests(endpoint_id: str, *, host: str | None = None) -> st.SearchStrategy[ApiRequest]:
    """Requests the endpoint's schema accepts, on the routes the suite calls (or the one on ``host``)."""
    return st.sampled_from(_routes(endpoint_id, host)).flatmap(
        lambda route: request_params(endpoint_id, route.require).map(lambda p: ApiRequest(endpoint_id, route, p))
    )


def invalid_requests(
    endpoint_id: str,
    *,
    kinds: Iterable[str] = KINDS,
    host: str | None = None,
    base: st.SearchStrategy[dict[str, Any]] | None = None,
) -> st.SearchStrategy[InvalidRequest]:
    """Requests with one problem of ``kinds``, each paired with the code and message it must get.

    ``base``: the valid requests to break (default: ``request_params``); Token Authentication
    is best broken from a correctly signed body, so only the mutation is wrong.
    """
    wanted = set(kinds)
    choices = [
        (r, m) for r in _routes(endpoint_id, host) for m in _mutations(endpoint_id, r.require) if m.kind in wanted
    ]
    if not choices:
        raise ValueError(f"{endpoint_id} has no mutation of kinds {sorted(wanted)}")
    return st.sampled_from(choices).flatmap(
        lambda c: st.builds(
            _break,
            st.just(endpoint_id),
            st.just(c[0]),
            st.just(c[1]),
            c[1].values,
            base if base is not None else request_params(endpoint_id, c[0].require),
        ).filter(_refused)
    )


def mutation_kinds(endpoint_id: str) -> list[str]:
    """The kinds of problem the endpoint's documented routes can be given (for parametrize)."""
    found = {m.kind for r in _routes(endpoint_id, None) for m in _mutations(endpoint_id, r.require)}
    return [k for k in KINDS if k in found]


@cache
def request_params(endpoint_id: str, require: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Valid parameters of one endpoint (with the fields one route requires), realistic where possible."""
    schema = spec.contract().request_schema(endpoint_id, require)
    validator = jsonschema.Draft7Validator(schema)
    return realistic(_object(schema, schema.get("definitions", {})).filter(validator.is_valid), validator)


def _object(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Field by field: hypothesis-jsonschema re-merges object schemas on every draw (slow with
    250-value enums), so each property gets its own strategy, built once."""
    properties = {name: _value(sub, definitions) for name, sub in schema.get("properties", {}).items()}
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: v for k, v in properties.items() if k in required},
        optional={k: v for k, v in properties.items() if k not in required},
    )


def _value(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if "properties" not in schema:
        return from_schema({**closed(schema), "definitions": dict(definitions)})
    nested = _object(schema, definitions)
    types = schema.get("type")
    return st.one_of(st.none(), nested) if isinstance(types, list) and "null" in types else nested


def closed(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema without undeclared properties: a real client sends the fields it knows."""
    out = copy.deepcopy(dict(schema))
    for node in _objects(out):
        node.setdefault("additionalProperties", False)
    return out


def _objects(node: Any) -> Iterable[dict[str, Any]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for key, value in node.items():
            if key not in ("enum", "const"):
                yield from _objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from _objects(item)


def _break(endpoint_id: str, route: Route, mutation: Mutation, value: Any, base: dict[str, Any]) -> InvalidRequest:
    endpoint = spec.endpoint(endpoint_id)
    schema = spec.contract().request_schema(endpoint_id, route.require)
    params = apply(base, mutation, value)
    target = expected(endpoint, schema, mutation.path, params)
    message = endpoint.code(target.code).message(target.message)
    return InvalidRequest(endpoint_id, route, params, mutation.kind, "/".join(mutation.path), target.code, message)


def _refused(request: InvalidRequest) -> bool:
    """The whole request breaks its schema (an emptied alternative may not, beside the other)."""
    return not spec.contract().request_validator(request.endpoint_id, request.route.require).is_valid(request.params)


@cache
def _mutations(endpoint_id: str, require: tuple[str, ...]) -> list[Mutation]:
    query = spec.endpoint(endpoint_id).request_in == "query"
    return mutations(spec.contract().request_schema(endpoint_id, require), query)


def _routes(endpoint_id: str, host: str | None) -> list[Route]:
    routes = [r for r in spec.suite_routes(endpoint_id) if host is None or r.host == host]
    if not routes:
        raise ValueError(f"{endpoint_id} has no documented route on {host}")
    return routes

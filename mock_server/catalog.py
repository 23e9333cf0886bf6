"""The endpoint catalog (``schemas/catalog.yaml``) as typed, immutable objects.

Everything the mock serves is read from here: hosts, routes, codes, messages and the
request-error mapping. The file is checked against ``catalog.schema.json`` and against itself
(every referenced code, message key and host exists) so a typo fails at start-up, not mid-test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml


class CatalogError(ValueError):
    """The catalog file breaks its meta schema or refers to something it does not define."""


@dataclass(frozen=True)
class CodeSpec:
    """One response code as one endpoint answers it."""

    name: str
    messages: Mapping[str, str]
    pricing: str = "FREE"
    data: str | None = None
    http_status: int = 200
    retry_after: bool = False
    deprecated: bool = False
    from_glossary: bool = False

    def message(self, key: str | None = None) -> str:
        """The text for ``key``, or the default (first) text."""
        if key is None:
            return next(iter(self.messages.values()))
        return self.messages[key]


@dataclass(frozen=True)
class ErrorTarget:
    code: str
    message: str


@dataclass(frozen=True)
class ErrorMap:
    """Which code and message a request that breaks its schema gets."""

    empty: ErrorTarget
    invalid: ErrorTarget
    fields: tuple[tuple[tuple[str, ...], ErrorTarget], ...] = ()


@dataclass(frozen=True)
class Route:
    host: str
    path: str
    method: str
    endpoint_id: str
    require: tuple[str, ...] = ()
    documented: bool = True
    note: str = ""


@dataclass(frozen=True)
class Endpoint:
    id: str
    title: str
    source: str
    method: str
    auth: str
    protocol: str
    action: str
    routes: tuple[Route, ...]
    request_schema: str
    request_in: str
    errors: ErrorMap
    codes: Mapping[str, CodeSpec]
    glossary: tuple[str, ...]
    billable: bool = False

    def code(self, name: str) -> CodeSpec:
        try:
            return self.codes[name]
        except KeyError:
            raise KeyError(f"{name} is not a documented code of {self.id}") from None

    def __repr__(self) -> str:
        return f"Endpoint({self.id!r})"


@dataclass(frozen=True)
class Catalog:
    hosts: Mapping[str, Mapping[str, Any]]
    default_host: str
    glossary: Mapping[str, CodeSpec]
    endpoints: Mapping[str, Endpoint]
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)

    def routes(self) -> Iterator[Route]:
        for endpoint in self.endpoints.values():
            yield from endpoint.routes

    def glossary_code(self, name: str) -> CodeSpec:
        return self.glossary[name]


def load_catalog(schemas: Path) -> Catalog:
    """Read, check and type ``catalog.yaml`` from the schemas folder."""
    path = schemas / "catalog.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta = json.loads((schemas / "catalog.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(meta).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path)
        raise CatalogError(f"{path}: at {where or '(top)'}: {errors[0].message}")
    glossary = {name: _code(name, spec, from_glossary=True) for name, spec in raw["glossary"].items()}
    endpoints = {eid: _endpoint(eid, spec, glossary, raw["hosts"]) for eid, spec in raw["endpoints"].items()}
    default = next((h for h, info in raw["hosts"].items() if info.get("default")), None)
    if default is None:
        raise CatalogError(f"{path}: no host is marked default")
    return Catalog(raw["hosts"], default, glossary, endpoints, raw)


def _code(name: str, spec: Mapping[str, Any], *, from_glossary: bool, base: CodeSpec | None = None) -> CodeSpec:
    messages = dict(spec["messages"])
    if base is not None:
        messages.update({k: v for k, v in base.messages.items() if k not in messages})
    default_status = base.http_status if base else 200
    return CodeSpec(
        name=name,
        messages=messages,
        pricing=spec.get("pricing", "FREE"),
        data=spec.get("data"),
        http_status=spec.get("http_status", default_status),
        retry_after=spec.get("retry_after", base.retry_after if base else False),
        deprecated=spec.get("deprecated", False),
        from_glossary=from_glossary,
    )


def _endpoint(
    eid: str, spec: Mapping[str, Any], glossary: Mapping[str, CodeSpec], hosts: Mapping[str, Any]
) -> Endpoint:
    codes = {name: _code(name, c, from_glossary=False, base=glossary.get(name)) for name, c in spec["codes"].items()}
    for name in spec["glossary"]:
        if name not in glossary:
            raise CatalogError(f"endpoint {eid}: glossary code {name} is not in the glossary")
        codes.setdefault(name, glossary[name])
    routes = tuple(_route(eid, spec["method"], r, hosts) for r in spec["routes"])
    errors = spec["errors"]
    error_map = ErrorMap(
        empty=_target(eid, errors["empty"], codes),
        invalid=_target(eid, errors["invalid"], codes),
        fields=tuple((tuple(k.split("/")), _target(eid, t, codes)) for k, t in errors.get("fields", {}).items()),
    )
    return Endpoint(
        id=eid,
        title=spec["title"],
        source=spec["source"],
        method=spec["method"],
        auth=spec["auth"],
        protocol=spec.get("protocol", "advance"),
        action=spec.get("action", eid),
        routes=routes,
        request_schema=spec["request"]["schema"],
        request_in=spec["request"].get("in", "query" if spec["method"] == "GET" else "body"),
        errors=error_map,
        codes=codes,
        glossary=tuple(spec["glossary"]),
        billable=spec.get("billable", False),
    )


def _route(eid: str, method: str, spec: Mapping[str, Any], hosts: Mapping[str, Any]) -> Route:
    if spec["host"] not in hosts:
        raise CatalogError(f"endpoint {eid}: route host {spec['host']} is not in hosts")
    return Route(
        host=spec["host"],
        path=spec["path"],
        method=method,
        endpoint_id=eid,
        require=tuple(spec.get("require", ())),
        documented=spec.get("documented", True),
        note=spec.get("note", ""),
    )


def _target(eid: str, spec: Mapping[str, str], codes: Mapping[str, CodeSpec]) -> ErrorTarget:
    code = codes.get(spec["code"])
    if code is None or spec["message"] not in code.messages:
        raise CatalogError(f"endpoint {eid}: error target {spec['code']}/{spec['message']} is not a documented message")
    return ErrorTarget(spec["code"], spec["message"])

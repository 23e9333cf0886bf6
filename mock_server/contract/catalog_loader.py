"""Loading the catalog: the YAML checked against its meta schema, then typed entries built from it
(codes, endpoints, routes, error targets).

Besides the meta schema, each entry is checked against the rest of the file: a glossary code, an
error target's message, a route's host and protocol must exist, so a typo fails at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalog import Catalog, CatalogError, CodeSpec, Endpoint, ErrorMap, ErrorTarget, RateLimit, Route
from .fixtures import FixtureError, load_checked


def build_glossary(spec: Mapping[str, Any]) -> dict[str, CodeSpec]:
    return {name: _code(name, code, from_glossary=True) for name, code in spec.items()}


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
        polling=spec.get("polling", False),
    )


def build_endpoint(
    eid: str, spec: Mapping[str, Any], glossaries: Mapping[str, Mapping[str, CodeSpec]], hosts: Mapping[str, Any]
) -> Endpoint:
    protocol = spec.get("protocol", "advance")
    glossary = glossaries.get(protocol)
    if glossary is None:
        raise CatalogError(f"endpoint {eid}: protocol {protocol} has no glossary under protocols")
    codes = {name: _code(name, c, from_glossary=False, base=glossary.get(name)) for name, c in spec["codes"].items()}
    for name in spec["glossary"]:
        if name not in glossary:
            raise CatalogError(f"endpoint {eid}: glossary code {name} is not in the {protocol} glossary")
        codes.setdefault(name, glossary[name])
    routes = tuple(_route(eid, spec["method"], protocol, r, hosts) for r in spec["routes"])
    return Endpoint(
        id=eid,
        title=spec["title"],
        source=spec["source"],
        method=spec["method"],
        auth=spec["auth"],
        protocol=protocol,
        action=spec.get("action", eid),
        routes=routes,
        request_schema=spec["request"]["schema"],
        request_in=spec["request"].get("in", "query" if spec["method"] == "GET" else "body"),
        errors=_error_map(eid, spec["errors"], codes),
        codes=codes,
        glossary=tuple(spec["glossary"]),
        billable=spec.get("billable", False),
        version=spec.get("version", ""),
        service=spec.get("service", ""),
        regions=tuple(spec.get("regions", ())),
        rate_limit=_rate_limit(eid, spec.get("rate_limit"), codes),
        reference=spec.get("reference", ""),
        result_codes=dict(spec.get("result_codes", {})),
    )


def _error_map(eid: str, errors: Mapping[str, Any], codes: Mapping[str, CodeSpec]) -> ErrorMap:
    return ErrorMap(
        empty=_target(eid, errors["empty"], codes),
        invalid=_target(eid, errors["invalid"], codes),
        fields=tuple((tuple(k.split("/")), _target(eid, t, codes)) for k, t in errors.get("fields", {}).items()),
        unknown=_target(eid, errors["unknown"], codes) if "unknown" in errors else None,
    )


def _rate_limit(eid: str, spec: Mapping[str, Any] | None, codes: Mapping[str, CodeSpec]) -> RateLimit | None:
    if spec is None:
        return None
    return RateLimit(spec["per_second"], _target(eid, spec["error"], codes))


def _route(eid: str, method: str, protocol: str, spec: Mapping[str, Any], hosts: Mapping[str, Any]) -> Route:
    host = hosts.get(spec["host"])
    if host is None:
        raise CatalogError(f"endpoint {eid}: route host {spec['host']} is not in hosts")
    if host.get("protocol", "advance") != protocol or bool(spec.get("action")) != (protocol == "tencent"):
        raise CatalogError(f"endpoint {eid}: route {spec['host']}{spec['path']} does not fit protocol {protocol}")
    return Route(
        host=spec["host"],
        path=spec["path"],
        method=method,
        endpoint_id=eid,
        require=tuple(spec.get("require", ())),
        documented=spec.get("documented", True),
        note=spec.get("note", ""),
        action=spec.get("action", ""),
        protocol=protocol,
    )


def _target(eid: str, spec: Mapping[str, Any], codes: Mapping[str, CodeSpec]) -> ErrorTarget:
    code = codes.get(spec["code"])
    if code is None or spec["message"] not in code.messages:
        raise CatalogError(f"endpoint {eid}: error target {spec['code']}/{spec['message']} is not a documented message")
    return ErrorTarget(spec["code"], spec["message"], tuple(spec.get("when", ())))


def load_catalog(schemas: Path) -> Catalog:
    """Read, check and type ``catalog.yaml`` from the schemas folder."""
    path = schemas / "catalog.yaml"
    meta = json.loads((schemas / "catalog.schema.json").read_text(encoding="utf-8"))
    try:
        raw = load_checked(path, meta)
    except FixtureError as exc:
        raise CatalogError(str(exc)) from None

    glossaries = {"advance": build_glossary(raw["glossary"])}
    glossaries |= {name: build_glossary(spec["glossary"]) for name, spec in raw.get("protocols", {}).items()}
    endpoints = {eid: build_endpoint(eid, spec, glossaries, raw["hosts"]) for eid, spec in raw["endpoints"].items()}
    default = next((h for h, info in raw["hosts"].items() if info.get("default")), None)
    if default is None:
        raise CatalogError(f"{path}: no host is marked default")
    return Catalog(raw["hosts"], default, glossaries["advance"], endpoints, raw, glossaries)

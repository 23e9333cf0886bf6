"""An OpenAPI 3.1 document generated from the catalog and the bundled schemas.

Bundled draft-07 schemas keep their shared parts under ``definitions``; here those are hoisted
into ``components/schemas`` (a ``#`` ref means the OpenAPI document) and refs are rewritten.
Every path lists the regional hosts that serve it as its own ``servers``.

Only the ADVANCE AI endpoints are here. Tencent Cloud's actions share one ``POST /`` and are told
apart by the ``X-TC-Action`` header, which OpenAPI cannot key operations on; their contract is
the catalog and their JSON Schemas (``ContractSchemas``), as for every endpoint.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ..version import __version__
from .catalog import Catalog, Endpoint, Route
from .examples import Example
from .schemas import ContractSchemas, Schema

_REF_PREFIX = "#/definitions/"
_COMPONENTS = "#/components/schemas/"
_CROSS_FIELD = {"anyOf", "oneOf", "allOf", "not", "dependencies", "if"}  # keywords that relate query fields


class OpenApiBuilder:
    def __init__(
        self,
        catalog: Catalog,
        contract: ContractSchemas,
        examples: Iterable[Example] = (),
        mock_url: str | None = None,
        host_urls: Mapping[str, str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.contract = contract
        self.mock_url = mock_url.rstrip("/") if mock_url else None
        self.host_urls = dict(host_urls or {})  # hosts the mock serves on a port of their own (--host-ports)
        self.components: dict[str, Schema] = {}
        self.examples: dict[tuple[str, str], list[Example]] = defaultdict(list)
        for example in examples:
            if example.kind == "response" and example.code:
                self.examples[(example.endpoint, example.code)].append(example)

    def build(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for path, routes in self._routes_by_path().items():
            item: dict[str, Any] = {"servers": [self._server(h) for h in sorted({r.host for r in routes})]}
            for route in routes:
                item[route.method.lower()] = self._operation(self.catalog.endpoints[route.endpoint_id], route)
            paths[path] = item
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "ADVANCE AI liveness APIs (as served by liveness-mock)",
                "version": __version__,
                "description": "Generated from schemas/catalog.yaml. Business codes come with HTTP 200; "
                "CLIENT_ERROR carries the HTTP status it names. Tencent Cloud FaceID (POST / by X-TC-Action) "
                "is served too but not described here: see docs/tencent.md.",
            },
            "servers": [self._server(h) for h in self.catalog.hosts_of("advance")],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.components.items())),
                "securitySchemes": {"accessToken": {"type": "apiKey", "in": "header", "name": "X-ACCESS-TOKEN"}},
            },
        }

    def _server(self, host: str) -> dict[str, str]:
        """The vendor's host, or (``mock_url``) the mock's address with the host leading the path,
        which any client reaches without a Host header or a name that resolves."""
        if host in self.host_urls:
            return {"url": self.host_urls[host], "description": host}
        if self.mock_url is None:
            return {"url": f"https://{host}"}
        label = host.split(".", 1)[0]
        return {"url": f"{self.mock_url}/@{label}", "description": host}

    def _routes_by_path(self) -> dict[str, list[Route]]:
        grouped: dict[str, list[Route]] = defaultdict(list)
        for route in self.catalog.routes("advance"):
            grouped[route.path].append(route)
        return grouped

    def _operation(self, endpoint: Endpoint, route: Route) -> dict[str, Any]:
        documented = list(dict.fromkeys(r.path for r in endpoint.routes if r.documented))
        own_name = documented == [route.path]  # an undocumented alias never takes the endpoint's own id
        op_id = endpoint.id if own_name else f"{endpoint.id}_{route.path.strip('/').split('/')[0]}"
        description = f"Documented in seeds file {endpoint.source}."
        if route.path not in documented:
            description += " This path is served beyond the docs: public integrations call it."
        operation: dict[str, Any] = {
            "operationId": op_id,
            "summary": endpoint.title,
            "tags": [endpoint.id],
            "description": description,
            "responses": self._responses(endpoint),
        }
        if endpoint.auth == "access_token":
            operation["security"] = [{"accessToken": []}]
        schema = self.contract.request_schema(endpoint.id, route.require)
        name = f"{endpoint.id}.request" + "".join(f".requires_{f}" for f in route.require)
        if endpoint.request_in == "query":
            operation["parameters"] = self._query_parameters(schema)
        else:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": self._component(name, schema)}},
            }
        return operation

    def _query_parameters(self, schema: Schema) -> list[dict[str, Any]]:
        """One parameter per field; or, when the schema ties fields together (Get Video: one of two
        ids), the whole query as one form-exploded object, the only way OpenAPI can say so."""
        hoisted = self._hoist(schema)
        if _CROSS_FIELD & set(hoisted):
            return [
                {"name": "query", "in": "query", "style": "form", "explode": True, "required": True, "schema": hoisted}
            ]
        required = set(hoisted.get("required", ()))
        return [
            {"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in hoisted.get("properties", {}).items()
        ]

    def _responses(self, endpoint: Endpoint) -> dict[str, Any]:
        by_status: dict[str, list[str]] = defaultdict(list)
        for code, spec in endpoint.codes.items():
            by_status[str(spec.http_status)].append(code)
        by_status.setdefault("404", []).append("CLIENT_ERROR")
        by_status.setdefault("405", []).append("CLIENT_ERROR")
        responses: dict[str, Any] = {}
        for status, codes in sorted(by_status.items()):
            refs = [self._component(f"{endpoint.id}.{c}", self.contract.responses[(endpoint.id, c)]) for c in codes]
            media: dict[str, Any] = {"schema": refs[0] if len(refs) == 1 else {"oneOf": refs}}
            examples = {
                f"{c}_{i}": {"value": e.body, "summary": f"{c} (seeds {e.seed})"}
                for c in codes
                if str(endpoint.codes[c].http_status) == status
                for i, e in enumerate(self.examples.get((endpoint.id, c), []), 1)
            }
            if examples:
                media["examples"] = examples
            responses[status] = {"description": ", ".join(codes), "content": {"application/json": media}}
        return responses

    def _component(self, name: str, schema: Schema) -> dict[str, str]:
        if name not in self.components:
            self.components[name] = self._hoist(schema)
        return {"$ref": _COMPONENTS + name}

    def _hoist(self, schema: Schema) -> Schema:
        body = copy.deepcopy(schema)
        body.pop("$schema", None)
        for key, definition in body.pop("definitions", {}).items():
            self.components.setdefault(key, _rewrite(definition))
        hoisted: Schema = _rewrite(body)
        return hoisted


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
            out[key] = _COMPONENTS + value[len(_REF_PREFIX) :]
        elif key in ("enum", "const"):
            out[key] = value
        else:
            out[key] = _rewrite(value)
    return out

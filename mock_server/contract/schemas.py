"""The JSON Schemas of ``schemas/``: bundling and compiled validators.

Schema files refer to each other (``../common.json#/definitions/x``). hypothesis-jsonschema and
many tools read only self-contained draft-07 documents, so every schema handed out here is
*bundled*: referenced definitions are copied under ``definitions`` with a namespaced key and
every ``$ref`` points inside the document.

Two validators per schema, each compiled once, when first needed: fastjsonschema (the schema
compiled to Python code: a valid request is checked in microseconds) answers "is it valid?" on
the hot path, and the jsonschema package, the reference, lists the problems when it is not (the
documented message depends on which problem comes first). tests/contract/test_schemas.py holds
them to the same verdict on every example and mutation.
"""

from __future__ import annotations

import copy
import json
import posixpath
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from .catalog import Catalog, Endpoint
from .envelopes import ENVELOPES

DRAFT7 = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]


class SchemaError(ValueError):
    """A schema file is missing, malformed or refers to something that does not exist."""


class SchemaStore:
    """All schema files under one folder, keyed by their path relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs: dict[str, Schema] = {}
        for path in sorted(root.rglob("*.json")):
            rel = path.relative_to(root).as_posix()
            try:
                self.docs[rel] = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise SchemaError(f"{path}: line {exc.lineno}: {exc.msg}") from None

    def bundle(self, schema: Schema, base: str = "") -> Schema:
        """A self-contained copy of ``schema`` whose refs resolve relative to file ``base``."""
        definitions: dict[str, Schema] = {}
        body: Schema = self._inline(copy.deepcopy(schema), base, definitions)
        body.pop("$id", None)
        body.pop("definitions", None)
        body["$schema"] = DRAFT7
        if definitions:
            body["definitions"] = dict(sorted(definitions.items()))
        return body

    def bundle_file(self, rel: str) -> Schema:
        return self.bundle(self._doc(rel), rel)

    def _doc(self, rel: str) -> Schema:
        try:
            return self.docs[rel]
        except KeyError:
            raise SchemaError(f"schema file {rel} does not exist under {self.root}") from None

    def _inline(self, node: Any, base: str, definitions: dict[str, Schema]) -> Any:
        if isinstance(node, list):
            return [self._inline(item, base, definitions) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            node["$ref"] = self._pull(node["$ref"], base, definitions)
        for key, value in node.items():
            if key not in ("$ref", "enum", "const"):
                node[key] = self._inline(value, base, definitions)
        return node

    def _pull(self, ref: str, base: str, definitions: dict[str, Schema]) -> str:
        """Copy the definition ``ref`` points at into ``definitions``; return its local ref."""
        target, _, pointer = ref.partition("#")
        if not pointer.startswith("/definitions/") or pointer.count("/") != 2:
            raise SchemaError(f"{base}: unsupported $ref {ref!r}: use [file]#/definitions/<name>")
        doc_path = posixpath.normpath(posixpath.join(posixpath.dirname(base), target)) if target else base
        name = pointer.rsplit("/", 1)[1]
        key = f"{doc_path.removesuffix('.json').replace('/', '.')}.{name}"
        if key not in definitions:
            try:
                found = self._doc(doc_path)["definitions"][name]
            except KeyError:
                raise SchemaError(f"{base}: $ref {ref!r} points at nothing") from None
            definitions[key] = {}
            definitions[key] = self._inline(copy.deepcopy(found), doc_path, definitions)
        return f"#/definitions/{key}"


class ContractSchemas:
    """The request and response schemas of every catalog endpoint, bundled and compiled."""

    def __init__(self, catalog: Catalog, store: SchemaStore) -> None:
        self.catalog = catalog
        self.store = store
        self.requests: dict[str, Schema] = {
            eid: store.bundle_file(e.request_schema) for eid, e in catalog.endpoints.items()
        }
        self.responses: dict[tuple[str, str], Schema] = {
            (eid, code): self._response(e, code) for eid, e in catalog.endpoints.items() for code in e.codes
        }
        self._response_validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}
        self._request_validators: dict[tuple[str, tuple[str, ...]], jsonschema.protocols.Validator] = {}
        self._fast: dict[tuple[str, ...], Callable[[Any], bool]] = {}
        for endpoint in catalog.endpoints.values():  # a broken request schema fails at start-up
            for route in endpoint.routes:
                self.request_validator(endpoint.id, route.require)

    def request_schema(self, endpoint_id: str, require: tuple[str, ...] = ()) -> Schema:
        """The request schema, with the fields one route alone requires added (built once)."""
        schema: Schema = self.request_validator(endpoint_id, require).schema
        return schema

    def request_validator(self, endpoint_id: str, require: tuple[str, ...] = ()) -> jsonschema.protocols.Validator:
        key = (endpoint_id, require)
        if key not in self._request_validators:
            schema = self.requests[endpoint_id]
            if require:
                schema = copy.deepcopy(schema)
                schema["required"] = list(dict.fromkeys([*schema.get("required", []), *require]))
            self._request_validators[key] = _validator(schema)
        return self._request_validators[key]

    def request_is_valid(self, endpoint_id: str, require: tuple[str, ...], params: Any) -> bool:
        """The fast verdict on a request (the hot path); ``request_validator`` says why not."""
        key = ("request", endpoint_id, *require)
        check = self._fast.get(key)
        if check is None:
            check = self._fast[key] = fast_validator(self.request_schema(endpoint_id, require))
        return check(params)

    def response_validator(self, endpoint_id: str, code: str) -> jsonschema.protocols.Validator:
        key = (endpoint_id, code)
        if key not in self._response_validators:
            self._response_validators[key] = _validator(self.responses[key])
        return self._response_validators[key]

    def response_problems(self, endpoint_id: str, body: Any) -> list[str]:
        """Why ``body`` is not a documented answer of the endpoint; empty when it is one."""
        if not isinstance(body, dict):
            return [f"the body is a JSON {type(body).__name__}, not an object"]
        code = self.code_of(endpoint_id, body)
        if (endpoint_id, code) not in self.responses:
            return [f"code {code!r} is not documented for {endpoint_id}"]
        key = ("response", endpoint_id, str(code))
        check = self._fast.get(key)
        if check is None:
            check = self._fast[key] = fast_validator(self.responses[(endpoint_id, str(code))])
        if check(body):
            return []
        validator = self.response_validator(endpoint_id, str(code))
        errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        return [f"at {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in errors]

    def code_of(self, endpoint_id: str, body: Any) -> str | None:
        """The code a body of this endpoint carries, in its protocol's envelope (None if none)."""
        if not isinstance(body, dict):
            return None
        return ENVELOPES[self.catalog.endpoints[endpoint_id].protocol].code_of(body)

    def data_of(self, endpoint_id: str, body: Any) -> Any:
        """The ``data`` an Outcome needs to render ``body`` again (ADVANCE AI: data; Tencent: Response's output)."""
        if not isinstance(body, dict):
            return None
        return ENVELOPES[self.catalog.endpoints[endpoint_id].protocol].data_of(body)

    @cached_property
    def envelope(self) -> Schema:
        return self.store.bundle_file("envelope.json")

    def _response(self, endpoint: Endpoint, code: str) -> Schema:
        envelope = ENVELOPES[endpoint.protocol]
        schema, base = envelope.response_schema(self.store.docs, endpoint, endpoint.codes[code])
        return self.store.bundle(schema, base)


def fast_validator(schema: Mapping[str, Any]) -> Callable[[Any], bool]:
    """fastjsonschema's verdict, as jsonschema's Draft7Validator gives it: formats are not checked
    (jsonschema checks none without a format checker) and defaults are never written into data."""
    validate = fastjsonschema.compile(dict(schema), use_default=False, use_formats=False)

    def is_valid(instance: Any) -> bool:
        try:
            validate(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def _validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def load_contract(catalog: Catalog, root: Path) -> ContractSchemas:
    return ContractSchemas(catalog, SchemaStore(root))

"""The JSON Schemas of ``schemas/``: bundling and compiled validators.

Schema files refer to each other (``../common.json#/definitions/x``). hypothesis-jsonschema and
many tools read only self-contained draft-07 documents, so every schema handed out here is
*bundled*: referenced definitions are copied under ``definitions`` with a namespaced key and
every ``$ref`` points inside the document.

Two validators per schema, each compiled once, when first needed: jsonschema-rs (compiled Rust:
a request is checked in under a microsecond, ~10x fastjsonschema's generated Python, which raises
and catches an exception per failed ``anyOf`` branch) answers "is it valid?" on the hot path, and
the jsonschema package, the reference, lists the problems when it is not (the documented message
depends on which problem comes first). tests/contract/test_schemas.py holds them to the same
verdict on every example and mutation.
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .catalog import Catalog, Endpoint
from .envelopes import ENVELOPES

if TYPE_CHECKING:
    import jsonschema

DRAFT7 = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]


class SchemaError(ValueError):
    """A schema file is missing, malformed or refers to something that does not exist."""


class SchemaStore:
    """All schema files under one folder, keyed by their path relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs: dict[str, Schema] = {}
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*.json")):
            rel = path.relative_to(root).as_posix()
            content = path.read_bytes()
            digest.update(rel.encode() + b"\0" + content + b"\0")
            try:
                self.docs[rel] = json.loads(content.decode("utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise SchemaError(f"{path}: line {getattr(exc, 'lineno', 1)}: {exc}") from None
        self.fingerprint = digest.hexdigest()  # what a check against these schemas depends on

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
        self.responses: Mapping[tuple[str, str], Schema] = LazySchemas(
            {(eid, code): e for eid, e in catalog.endpoints.items() for code in e.codes}, self._response
        )
        self._request_schemas: dict[tuple[str, tuple[str, ...]], Schema] = {}
        self._response_validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}
        self._request_validators: dict[tuple[str, tuple[str, ...]], jsonschema.protocols.Validator] = {}
        self._fast: dict[tuple[str, ...], Callable[[Any], bool]] = {}

    def request_schema(self, endpoint_id: str, require: tuple[str, ...] = ()) -> Schema:
        """The request schema, with the fields one route alone requires added (built once)."""
        key = (endpoint_id, require)
        if key not in self._request_schemas:
            schema = self.requests[endpoint_id]
            if require:
                schema = copy.deepcopy(schema)
                schema["required"] = list(dict.fromkeys([*schema.get("required", []), *require]))
            self._request_schemas[key] = schema
        return self._request_schemas[key]

    def request_validator(self, endpoint_id: str, require: tuple[str, ...] = ()) -> jsonschema.protocols.Validator:
        """The reference validator: it says why a request is not valid (built when first needed)."""
        key = (endpoint_id, require)
        if key not in self._request_validators:
            self._request_validators[key] = _validator(self.request_schema(endpoint_id, require))
        return self._request_validators[key]

    def request_is_valid(self, endpoint_id: str, require: tuple[str, ...], params: Any) -> bool:
        """The fast verdict on a request (the hot path); ``request_validator`` says why not."""
        key = ("request", endpoint_id, *require)
        check = self._fast.get(key)
        if check is None:
            check = self._fast[key] = fast_validator(self.request_schema(endpoint_id, require))
        return check(params)

    def response_validator(self, endpoint_id: str, code: str) -> jsonschema.protocols.Validator:
        """The answer's check as on the wire (``wirecheck``): built when strict mode or a test first asks."""
        key = (endpoint_id, code)
        if key not in self._response_validators:
            from .wirecheck import wire_validator

            self._response_validators[key] = wire_validator(self.responses[key])
        return self._response_validators[key]

    def response_problems(self, endpoint_id: str, body: Any) -> list[str]:
        """Why ``body`` is not a documented answer of the endpoint; empty when it is one."""
        if not isinstance(body, dict):
            return [f"the body is a JSON {type(body).__name__}, not an object"]
        code = self.code_of(endpoint_id, body)
        if (endpoint_id, code) not in self.responses:
            return [f"code {code!r} is not documented for {endpoint_id}"]
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

    def _response(self, key: tuple[str, str], endpoint: Endpoint) -> Schema:
        code = key[1]
        envelope = ENVELOPES[endpoint.protocol]
        schema, base = envelope.response_schema(self.store.docs, endpoint, endpoint.codes[code])
        return self.store.bundle(schema, base)


def fast_validator(schema: Mapping[str, Any]) -> Callable[[Any], bool]:
    """jsonschema-rs's verdict, as jsonschema's Draft7Validator gives it: formats are not checked
    (jsonschema checks none without a format checker)."""
    return jsonschema_rs.Draft7Validator(dict(schema), validate_formats=False).is_valid


class LazySchemas(Mapping[tuple[str, str], Schema]):
    """Response schemas by (endpoint, code), each bundled when first asked for: start-up needs none."""

    def __init__(self, sources: Mapping[tuple[str, str], Endpoint], build: Callable[..., Schema]) -> None:
        self._sources, self._build = dict(sources), build
        self._built: dict[tuple[str, str], Schema] = {}

    def __getitem__(self, key: tuple[str, str]) -> Schema:
        if key not in self._built:
            self._built[key] = self._build(key, self._sources[key])
        return self._built[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    import jsonschema  # here: serving valid requests never needs the reference validator

    return jsonschema.Draft7Validator(schema)


def load_contract(catalog: Catalog, root: Path) -> ContractSchemas:
    return ContractSchemas(catalog, SchemaStore(root))

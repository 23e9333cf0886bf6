"""How an observed answer differs from the contract, as data: a list of ``Difference``.

The contract suite (``pytest_plugin.contract``) fails on the first deviation; the validation proxy
and the drift report need all of them, each once, named by kind and place. Both read the same
expectations from here: the catalog's codes, messages, HTTP statuses and Retry-After, each
protocol's envelope (``SHAPES``) and the response schemas, checked as on the wire.

Kinds (``kinds.KINDS``): ``status``, ``envelope`` (not the protocol's envelope, or one of its own members
missing or wrong: transactionId, pricingStrategy, RequestId, Error...), ``undocumented_code``,
``undocumented_message``, ``field_added``, ``field_removed``, ``field_retyped``, ``field_value``
(a field of the documented type outside its documented values: an enum, a const, a pattern, a
length), ``header``. ``where`` is a JSON pointer into the body (``/data/livenessScore``), or
``status``, or ``headers/<Name>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, CodeSpec, Endpoint
from .schemas import ContractSchemas

if TYPE_CHECKING:
    import jsonschema

ABSENT = "(absent)"

# The Glossary: SERVICE_BUSY "may migrate to HTTP 429 Too Many Requests in the future".
ALSO_ALLOWED_STATUS = {"SERVICE_BUSY": frozenset({429})}
_STATUS_IN_MESSAGE = re.compile(r"^HTTP (\d{3})\b")  # CLIENT_ERROR "HTTP 404 - Not Found"
_SECONDS = re.compile(r"^\s*:?\s*(\d+(?:\.\d+)?)\s*s?\s*$", re.IGNORECASE)
JSON_MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class Difference:
    """One way an answer differs from the contract of its endpoint."""

    kind: str
    endpoint: str
    where: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where or '(body)'}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class EnvelopeShape:
    """Where a protocol's envelope keeps the code, the request id, the pricing and the message.

    ``message`` is None where the docs give only descriptions of the codes, not the texts sent
    (Tencent: docs/choices.md, choice 34): an expectation then names the code alone. ``members``: the
    envelope's own fields (JSON pointers); a problem there is an ``envelope`` difference, not a
    field's."""

    code_at: Callable[[str], str]
    request_id_name: str
    request_id: Callable[[Mapping[str, Any]], Any]
    pricing: Callable[[Mapping[str, Any]], Any] | None
    message: Callable[[Mapping[str, Any]], Any] | None
    members: frozenset[str]


SHAPES: dict[str, EnvelopeShape] = {
    "advance": EnvelopeShape(
        lambda code: "/code",
        "transactionId",
        lambda b: b.get("transactionId"),
        lambda b: b.get("pricingStrategy"),
        lambda b: b.get("message"),
        frozenset({"/code", "/message", "/extra", "/transactionId", "/pricingStrategy"}),
    ),
    "tencent": EnvelopeShape(
        lambda code: "/Response" if code == "SUCCESS" else "/Response/Error/Code",
        "Response.RequestId",
        lambda b: (b.get("Response") or {}).get("RequestId"),
        None,
        None,
        frozenset({"", "/Response", "/Response/RequestId", "/Response/Error", "/Response/Error/Code"}),
    ),
}


def shape_of(endpoint: Endpoint) -> EnvelopeShape:
    shape = SHAPES.get(endpoint.protocol)
    if shape is None:
        raise NotImplementedError(f"no envelope shape for protocol {endpoint.protocol!r} ({endpoint.id})")
    return shape


def expected_statuses(code: CodeSpec, message: object) -> frozenset[int]:
    """HTTP statuses that go with ``code``: CLIENT_ERROR names its own in the message."""
    found = _STATUS_IN_MESSAGE.match(str(message)) if code.name == "CLIENT_ERROR" else None
    base = int(found.group(1)) if found else code.http_status
    return frozenset({base}) | ALSO_ALLOWED_STATUS.get(code.name, frozenset())


def parse_retry_after(value: str | None) -> float | None:
    """The seconds a ``Retry-After`` asks for ("10s", the documented form; "10"; " :10s"), or None."""
    match = _SECONDS.match(value or "")
    return float(match.group(1)) if match else None


def media_type(headers: Mapping[str, str]) -> str:
    """The Content-Type's media type, lower case ('' when there is none)."""
    return _header(headers, "content-type").split(";")[0].strip().lower()


def status_difference(endpoint: Endpoint, spec: CodeSpec, status: int, message: object) -> Difference | None:
    allowed = expected_statuses(spec, message)
    if status in allowed:
        return None
    return Difference("status", endpoint.id, "status", " or ".join(map(str, sorted(allowed))), str(status))


def retry_after_difference(endpoint: Endpoint, spec: CodeSpec, headers: Mapping[str, str]) -> Difference | None:
    """A code documented with "Retry-After :10s" must come with a Retry-After of seconds."""
    value = _header(headers, "retry-after") or None
    if not spec.retry_after or parse_retry_after(value) is not None:
        return None
    return Difference("header", endpoint.id, "headers/Retry-After", "seconds (10s)", ABSENT if value is None else value)


def code_difference(endpoint: Endpoint, code: str) -> Difference | None:
    if code in endpoint.codes:
        return None
    where = shape_of(endpoint).code_at(code)
    return Difference("undocumented_code", endpoint.id, where, "one of " + ", ".join(endpoint.codes), code)


def request_id_difference(endpoint: Endpoint, body: Mapping[str, Any]) -> Difference | None:
    """The request id (transactionId, RequestId): a string of 1 to 64 characters."""
    shape = shape_of(endpoint)
    value = shape.request_id(body)
    if isinstance(value, str) and 1 <= len(value) <= 64:
        return None
    where = "/" + shape.request_id_name.replace(".", "/")
    actual = ABSENT if value is None else _show(value)
    return Difference("envelope", endpoint.id, where, "a string of 1 to 64 characters", actual)


def pricing_difference(endpoint: Endpoint, spec: CodeSpec, body: Mapping[str, Any]) -> Difference | None:
    shape = shape_of(endpoint)
    if shape.pricing is None or shape.pricing(body) == spec.pricing:
        return None
    return Difference("envelope", endpoint.id, "/pricingStrategy", _show(spec.pricing), _show(shape.pricing(body)))


def message_difference(endpoint: Endpoint, spec: CodeSpec, body: Mapping[str, Any]) -> Difference | None:
    """A text the catalog does not give the code (ADVANCE AI only: Tencent documents no texts)."""
    shape = shape_of(endpoint)
    if shape.message is None:
        return None
    message = shape.message(body)
    if not isinstance(message, str) or message in spec.messages.values():
        return None  # a message that is not a string is the schema's to report
    documented = " | ".join(_show(text) for text in dict.fromkeys(spec.messages.values()))
    return Difference("undocumented_message", endpoint.id, "/message", documented, _show(message))


def differences(
    catalog: Catalog | ContractSchemas, endpoint: str, status: int, headers: Mapping[str, str], body: bytes
) -> list[Difference]:
    """Every way an observed answer (HTTP status, headers, body bytes) of ``endpoint`` differs from
    the contract, each once; [] for an answer the documentation allows.

    ``catalog``: the loaded contract (``ContractSchemas``), or a ``Catalog`` whose schemas are the
    shipped ones (loaded once)."""
    contract = _contract(catalog)
    found = _endpoint(contract.catalog, endpoint)
    return _unique(_differences(contract, found, status, headers, body))


def _differences(
    contract: ContractSchemas, endpoint: Endpoint, status: int, headers: Mapping[str, str], content: bytes
) -> Iterator[Difference]:
    kind = media_type(headers)
    if kind != JSON_MEDIA_TYPE:
        yield Difference("header", endpoint.id, "headers/Content-Type", JSON_MEDIA_TYPE, kind or ABSENT)
    body = _parse(content)
    code = contract.code_of(endpoint.id, body) if isinstance(body, dict) else None
    if not isinstance(body, dict) or code is None:
        yield Difference("envelope", endpoint.id, "", f"a JSON object in the {endpoint.protocol} envelope", _kind(body))
        return
    undocumented = code_difference(endpoint, code)
    if undocumented is not None:
        yield undocumented
        request_id = request_id_difference(endpoint, body)
        if request_id is not None:
            yield request_id
        return
    spec = endpoint.codes[code]
    shape = shape_of(endpoint)
    for check in (
        message_difference(endpoint, spec, body),
        status_difference(endpoint, spec, status, shape.message(body) if shape.message else None),
        request_id_difference(endpoint, body),
        pricing_difference(endpoint, spec, body),
    ):
        if check is not None:
            yield check
    validator = contract.response_validator(endpoint.id, code)
    for error in validator.iter_errors(body):
        yield from _classify(endpoint, shape, error, contract.responses[(endpoint.id, code)])
    retry_after = retry_after_difference(endpoint, spec, headers)
    if retry_after is not None:
        yield retry_after


def _classify(
    endpoint: Endpoint, shape: EnvelopeShape, error: jsonschema.ValidationError, root: Mapping[str, Any]
) -> Iterator[Difference]:
    """A schema error as differences: a field added, removed, retyped, or of another value."""
    where = pointer(error.absolute_path)
    rule, instance = error.validator, error.instance

    def made(kind: str, at: str, expected: str, actual: str) -> Difference:
        own = at in shape.members and kind != "field_added"
        return Difference("envelope" if own else kind, endpoint.id, at, expected, actual)

    if rule == "required" and isinstance(instance, dict):
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        for name in error.validator_value:
            if name not in instance:
                expected = " or ".join(sorted(allowed_types(properties.get(name, {}), root))) or "a value"
                yield made("field_removed", f"{where}/{_escape(name)}", expected, ABSENT)
    elif rule == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for name, value in instance.items():
            if name not in known and not any(p.search(name) for p in patterns):
                yield made("field_added", f"{where}/{_escape(name)}", ABSENT, json_type(value))
    elif rule in ("anyOf", "oneOf"):
        yield from _classify_branches(endpoint, shape, error, root, made)
    elif rule == "type" or (rule == "format" and error.validator_value == "double"):
        expected = "number with a decimal point" if rule == "format" else _types_text(error.validator_value)
        yield made("field_retyped", where, expected, json_type(instance))
    else:
        yield made("field_value", where, f"{rule} {_show(error.validator_value)}", _show(instance))


def _classify_branches(
    endpoint: Endpoint,
    shape: EnvelopeShape,
    error: jsonschema.ValidationError,
    root: Mapping[str, Any],
    made: Callable[[str, str, str, str], Difference],
) -> Iterator[Difference]:
    """anyOf / oneOf: a type no branch allows is a retype here; else the nearest branch's errors."""
    where, branches = pointer(error.absolute_path), error.validator_value
    actual = json_type(error.instance)
    fitting = [i for i, branch in enumerate(branches) if _type_fits(actual, allowed_types(branch, root))]
    if not fitting:
        expected = " or ".join(sorted(set().union(*(allowed_types(b, root) for b in branches)))) or "another type"
        yield made("field_retyped", where, expected, actual)
        return
    by_branch: dict[int, list[jsonschema.ValidationError]] = {i: [] for i in fitting}
    for sub in error.context or ():
        index = sub.relative_schema_path[0] if sub.relative_schema_path else None
        if index in by_branch:
            by_branch[int(index)].append(sub)
    nearest = min(by_branch.values(), key=len)
    if not nearest:  # oneOf matched more than one branch
        yield made("field_value", where, f"{error.validator} exactly one branch", _show(error.instance))
    for sub in nearest:
        yield from _classify(endpoint, shape, sub, root)


def allowed_types(schema: Any, root: Mapping[str, Any]) -> set[str]:
    """The JSON types a (bundled) schema admits; empty when it says nothing of types."""
    if not isinstance(schema, dict):
        return set()
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        return allowed_types(root.get("definitions", {}).get(ref.rsplit("/", 1)[1]), root)
    if "const" in schema:
        return {json_type(schema["const"])}
    if "enum" in schema:
        return {json_type(value) for value in schema["enum"]}
    declared = schema.get("type")
    if declared is not None:
        return {declared} if isinstance(declared, str) else set(declared)
    found: set[str] = set()
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, ()):
            types = allowed_types(branch, root)
            if not types:
                return set()  # a branch of any type
            found |= types
    return found


def json_type(value: Any) -> str:
    """The JSON type of a parsed value as the wire shows it (100 an integer, 100.0 a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def pointer(path: Iterable[Any]) -> str:
    """A JSON pointer (RFC 6901) for a path of keys and indexes; '' is the whole body."""
    return "".join("/" + _escape(str(part)) for part in path)


def _type_fits(actual: str, allowed: set[str]) -> bool:
    return not allowed or actual in allowed or (actual == "integer" and "number" in allowed)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _types_text(value: Any) -> str:
    return " or ".join(value) if isinstance(value, list) else str(value)


def _show(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(body: Any) -> str:
    if body is _NOT_JSON:
        return "not JSON"
    if isinstance(body, dict):
        return "a JSON object without a code"
    return f"a JSON {json_type(body)}"


_NOT_JSON = object()


def _parse(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _unique(found: Iterable[Difference]) -> list[Difference]:
    seen: dict[tuple[str, str], Difference] = {}
    for difference in found:
        seen.setdefault((difference.kind, difference.where), difference)
    return list(seen.values())


_LOADED: dict[int, tuple[Catalog, ContractSchemas]] = {}


def _contract(catalog: Catalog | ContractSchemas) -> ContractSchemas:
    if isinstance(catalog, ContractSchemas):
        return catalog
    held = _LOADED.get(id(catalog))
    if held is None or held[0] is not catalog:
        from .resources import schemas_dir
        from .schemas import load_contract

        held = _LOADED[id(catalog)] = (catalog, load_contract(catalog, schemas_dir()))
    return held[1]


def _endpoint(catalog: Catalog, name: str) -> Endpoint:
    try:
        return catalog.endpoints[name]
    except KeyError:
        raise ValueError(f"no endpoint {name!r}; known: {', '.join(catalog.endpoints)}") from None

"""Every schema is valid draft-07, bundles into a self-contained document, and can generate data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from mock_server.contract.examples import Example
from mock_server.contract.resources import schemas_dir
from mock_server.contract.schemas import ContractSchemas, SchemaError, SchemaStore, fast_validator

FILES = sorted(p.relative_to(schemas_dir()).as_posix() for p in schemas_dir().rglob("*.json"))


@pytest.mark.parametrize("rel", FILES)
def test_each_schema_file_is_valid_draft_07(rel: str) -> None:
    schema = json.loads((schemas_dir() / rel).read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def refs_of(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in refs_of(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs_of(v)]
    return []


def test_bundles_only_refer_inside_themselves(contract: ContractSchemas) -> None:
    for schema in [*contract.requests.values(), *contract.responses.values()]:
        for ref in refs_of(schema):
            assert ref.startswith("#/definitions/") and ref.split("/")[-1] in schema["definitions"]


def test_an_unsupported_ref_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"properties": {"x": {"$ref": "b.json#/properties/y"}}}))
    with pytest.raises(SchemaError, match=r"a.json: unsupported \$ref 'b.json#/properties/y'"):
        SchemaStore(tmp_path).bundle_file("a.json")


def test_a_dangling_ref_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"properties": {"x": {"$ref": "#/definitions/nope"}}}))
    with pytest.raises(SchemaError, match="points at nothing"):
        SchemaStore(tmp_path).bundle_file("a.json")


def test_a_malformed_schema_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n  "type": "object",\n}')
    with pytest.raises(SchemaError, match=r"a.json: line 3"):
        SchemaStore(tmp_path)


ENDPOINTS = [
    "token_authentication",
    "configure_ui",
    "get_token",
    "get_result",
    "pii_clear_data",
    "generate_url",
    "liveness_detection",
    "get_video",
    "apply_liveness_token",
    "get_liveness_result",
]
GENERATION = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("endpoint_id", ENDPOINTS)
@GENERATION
@given(data=st.data())
def test_hypothesis_jsonschema_generates_valid_requests(
    contract: ContractSchemas, endpoint_id: str, data: st.DataObject
) -> None:
    value = data.draw(from_schema(contract.requests[endpoint_id]))
    assert contract.request_validator(endpoint_id).is_valid(value)


@pytest.mark.parametrize("endpoint_id", ENDPOINTS)
@GENERATION
@given(data=st.data())
def test_hypothesis_jsonschema_generates_valid_success_responses(
    contract: ContractSchemas, endpoint_id: str, data: st.DataObject
) -> None:
    body = data.draw(from_schema(contract.responses[(endpoint_id, "SUCCESS")]))
    assert contract.response_problems(endpoint_id, body) == []


def test_the_endpoint_list_here_is_the_catalog(contract: ContractSchemas) -> None:
    assert sorted(ENDPOINTS) == sorted(contract.requests)


# The fast validator (jsonschema-rs, the hot path) and the reference (jsonschema) give one verdict.

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def mutations(instance: Any) -> st.SearchStrategy[Any]:
    """An instance with one thing changed: a field dropped, retyped, nulled, emptied, or one added."""
    if not isinstance(instance, dict) or not instance:
        return JSON_VALUES
    keys = sorted(instance)
    changed = st.tuples(st.sampled_from(keys), JSON_VALUES | st.sampled_from([None, "", [], {}, -1, 1.5, "x" * 300]))
    return st.one_of(
        st.sampled_from(keys).map(lambda k: {f: v for f, v in instance.items() if f != k}),
        changed.map(lambda kv: {**instance, kv[0]: kv[1]}),
        st.tuples(st.text(min_size=1, max_size=12), JSON_VALUES).map(lambda kv: {**instance, kv[0]: kv[1]}),
        st.just([instance]),
    )


VALIDATORS: dict[int, tuple[Callable[[Any], bool], jsonschema.Draft7Validator]] = {}


def agree(contract: ContractSchemas, schema: dict[str, Any], instance: Any) -> None:
    """Both verdicts on ``instance``; each schema is compiled once (the contract's schemas live all session)."""
    if id(schema) not in VALIDATORS:
        VALIDATORS[id(schema)] = (fast_validator(schema), jsonschema.Draft7Validator(schema))
    fast, reference = VALIDATORS[id(schema)]
    assert fast(instance) is reference.is_valid(instance), (schema.get("title"), instance)


@pytest.mark.parametrize("endpoint_id", ENDPOINTS)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_the_fast_validator_agrees_on_requests_and_their_mutations(
    contract: ContractSchemas, endpoint_id: str, data: st.DataObject
) -> None:
    schema = contract.requests[endpoint_id]
    valid = data.draw(from_schema(schema), label="valid")
    agree(contract, schema, valid)
    agree(contract, schema, data.draw(mutations(valid), label="mutated"))
    route = contract.catalog.endpoints[endpoint_id].routes[0]
    assert contract.request_is_valid(endpoint_id, route.require, valid) is contract.request_validator(
        endpoint_id, route.require
    ).is_valid(valid)


def test_the_fast_validator_agrees_on_every_example_and_its_mutations(
    contract: ContractSchemas, examples: list[Example]
) -> None:
    checked = 0
    for example in examples:
        if example.kind == "request":
            schema = contract.requests[example.endpoint]
        elif (example.endpoint, example.code) in contract.responses:
            schema = contract.responses[(example.endpoint, str(example.code))]
        else:
            continue
        for instance in one_change_each(example.body):
            agree(contract, schema, instance)
            checked += 1
    assert checked > 1000


def one_change_each(body: Any) -> list[Any]:
    """The body, then for each field (also of ``data``): dropped, and set to values of other types."""
    found = [body]
    if not isinstance(body, dict):
        return found
    for field in body:
        found.append({k: v for k, v in body.items() if k != field})
        found += [{**body, field: value} for value in (None, "", 1.5, 7, [], {"x": 1}, True)]
    if isinstance(body.get("data"), dict):
        found += [{**body, "data": changed} for changed in one_change_each(body["data"])[1:]]
    return found


def test_a_deviation_the_reference_sees_the_fast_validator_sees_too(contract: ContractSchemas) -> None:
    """The check can fail: a SUCCESS answer with a number for its message is refused by both."""
    schema = contract.responses[("get_result", "SUCCESS")]
    assert fast_validator(schema)({"code": "SUCCESS", "message": 1}) is False


def patterns_of(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + list(node.get("patternProperties", {})) + [p for v in node.values() for p in patterns_of(v)]
    if isinstance(node, list):
        return [p for v in node for p in patterns_of(v)]
    return []


SHORTHANDS = re.compile(r"(?<!\\)(?:\\\\)*\\[sSdDwWbB]")  # an unescaped \s, \d, \w, \b or their negations


@pytest.mark.parametrize("rel", FILES)
def test_patterns_spell_their_classes_out(rel: str) -> None:
    """``\\s``, ``\\d``, ``\\w`` and ``\\b`` match different characters in ECMA-262 (what JSON Schema
    means, and what Schemathesis's validator reads), in Python's ``re`` (what the mock validates
    with) and in ``re.ASCII`` (what Schemathesis generates from): a pattern must not depend on which."""
    patterns = patterns_of(json.loads((schemas_dir() / rel).read_text()))
    assert [p for p in patterns if SHORTHANDS.search(p)] == []


SPACES_AND_CONTROLS = [
    chr(c) for c in [*range(0x21), *range(0x7F, 0xA1), 0x1680, 0x2000, 0x2028, 0x202F, 0x3000, 0xFEFF]
]


@pytest.mark.parametrize("char", [*SPACES_AND_CONTROLS, "é", "٣", "/", "~"], ids=lambda c: f"U+{ord(c):04X}")
def test_a_request_url_reads_the_same_to_python_and_to_ecma(char: str) -> None:
    """The mock (Python ``re``) and an ECMA-262 validator (jsonschema_rs, as Schemathesis uses)
    agree on every character either calls a space; URLs with spaces or controls are refused."""
    import jsonschema_rs

    url_schema = json.loads((schemas_dir() / "common.json").read_text())["definitions"]["requestUrl"]
    value = f"https://example.com/a{char}b"
    python = jsonschema.Draft7Validator(url_schema).is_valid(value)
    assert python == jsonschema_rs.validator_for(url_schema).is_valid(value)
    assert python is (char in "é٣/~")

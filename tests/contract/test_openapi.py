"""The generated OpenAPI 3.1 document is valid and says what the catalog says."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from mock_server.contract.catalog import Catalog
from mock_server.contract.examples import Example
from mock_server.contract.openapi import OpenApiBuilder
from mock_server.contract.schemas import ContractSchemas


@pytest.fixture(scope="module")
def document(catalog: Catalog, contract: ContractSchemas, examples: list[Example]) -> dict[str, Any]:
    return OpenApiBuilder(catalog, contract, examples).build()


def test_the_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_an_operation_with_its_hosts_as_servers(document: dict[str, Any], catalog: Catalog) -> None:
    for route in catalog.routes("advance"):
        item = document["paths"][route.path]
        assert f"https://{route.host}" in [s["url"] for s in item["servers"]]
        assert route.method.lower() in item


def test_one_server_per_regional_host(document: dict[str, Any], catalog: Catalog) -> None:
    assert [s["url"] for s in document["servers"]] == [f"https://{h}" for h in catalog.hosts_of("advance")]


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for key, op in item.items() if key != "servers"]
    assert len(ids) == len(set(ids))


def test_refs_all_resolve_inside_the_document(document: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    names = document["components"]["schemas"]
    assert refs and all(r.startswith("#/components/schemas/") and r.rsplit("/", 1)[1] in names for r in refs)


def test_schemathesis_loads_every_operation(document: dict[str, Any]) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_dict(document)
    loaded = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    expected = {(m.upper(), p) for p, item in document["paths"].items() for m in item if m != "servers"}
    assert loaded == expected and len(loaded) == 17


def test_tencent_is_left_out_as_the_readme_says(document: dict[str, Any], catalog: Catalog) -> None:
    assert "/" not in document["paths"]
    assert not any("tencent" in s["url"] for s in document["servers"])
    assert not any(
        name.startswith(tuple(e for e, ep in catalog.endpoints.items() if ep.protocol == "tencent"))
        for name in document["components"]["schemas"]
    )


def test_the_regional_get_token_alias_is_marked_beyond_the_docs(document: dict[str, Any]) -> None:
    alias = document["paths"]["/intl/openapi/face-identity/v2/h5/token"]
    assert alias["post"]["operationId"] == "get_token_intl" and "beyond the docs" in alias["post"]["description"]
    assert "api.advance.ai" not in {s["url"].removeprefix("https://") for s in alias["servers"]}
    assert document["paths"]["/openapi/liveness/v2/h5/token"]["post"]["operationId"] == "get_token"


def test_get_video_says_one_of_its_two_ids_is_required(document: dict[str, Any], contract: ContractSchemas) -> None:
    """Two optional query parameters would call a request with neither id valid; the mock answers
    it PARAMETER_ERROR. The query is one form-exploded object carrying the schema's anyOf."""
    for path in ("/liveness/ext/v1/get-video", "/intl/openapi/liveness/ext/v1/get-video"):
        (query,) = document["paths"][path]["get"]["parameters"]
        assert (query["in"], query["style"], query["explode"], query["required"]) == ("query", "form", True, True)
        assert [branch["required"] for branch in query["schema"]["anyOf"]] == [["signatureId"], ["livenessId"]]
    (clear,) = document["paths"]["/liveness/h5/ext/v1/clear-data"]["get"]["parameters"]
    assert (clear["name"], clear["required"]) == ("signatureId", True)  # no cross-field rule: plain parameters

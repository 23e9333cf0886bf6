"""The catalog serves exactly the routes of the vendor docs' index (docs/vendor/README.md)."""

from __future__ import annotations

import re

import pytest

from mock_server.contract.catalog import Catalog, CatalogError
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir

from ..conftest import VENDOR_DOCS


def documented_routes() -> set[tuple[str, str, str]]:
    """(host, method, path) from the table "Every documented host and path" of the docs' index."""
    text = (VENDOR_DOCS / "README.md").read_text(encoding="utf-8")
    table = text.split("## Every documented host and path", 1)[1]
    found = set()
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[1] not in ("GET", "POST"):
            continue
        _, method, hosts, path = cells
        labels = [h.strip() for h in hosts.split(",")]
        path = path.split(" ", 1)[0].strip("`")
        for label in labels:
            concrete = re.sub(r"\{[a-z,]+\}", label.removesuffix("-api"), path)
            found.add((f"{label}.advance.ai", method, concrete))
    return found


def test_the_docs_index_parses_into_28_routes() -> None:
    assert len(documented_routes()) == 28


def test_catalog_documented_routes_equal_the_docs_index(catalog: Catalog) -> None:
    served = {(r.host, r.method, r.path) for r in catalog.routes("advance") if r.documented}
    assert served == documented_routes()


def test_tencent_routes_are_post_slash_on_the_documented_host_by_action(catalog: Catalog) -> None:
    index = (VENDOR_DOCS / "README.md").read_text(encoding="utf-8")
    assert "Tencent Cloud: `POST /` on faceid.tencentcloudapi.com with the action in `X-TC-Action`" in index
    routes = {(r.host, r.method, r.path, r.action, r.documented) for r in catalog.routes("tencent")}
    assert routes == {
        ("faceid.tencentcloudapi.com", "POST", "/", "GetLivenessResult", True),  # file 004
        ("faceid.tencentcloudapi.com", "POST", "/", "ApplyLivenessToken", False),  # its companion, outside the seeds
        # the international SDKs' default endpoint (docs/choices.md, choice 37), outside the seeds
        ("faceid.intl.tencentcloudapi.com", "POST", "/", "GetLivenessResult", False),
        ("faceid.intl.tencentcloudapi.com", "POST", "/", "ApplyLivenessToken", False),
    }
    assert catalog.hosts_of("tencent") == ["faceid.tencentcloudapi.com", "faceid.intl.tencentcloudapi.com"]


def test_every_route_host_is_a_catalog_host(catalog: Catalog) -> None:
    assert {r.host for r in catalog.routes()} <= set(catalog.hosts)


GATEWAY_CODES = {
    "advance": {"SUCCESS", "CLIENT_ERROR", "PARAMETER_ERROR"},
    "tencent": {
        "SUCCESS",
        "MissingParameter",
        "InvalidParameter",
        "InvalidParameterValue",
        "UnknownParameter",
        "RequestSizeLimitExceeded",
        "NoSuchVersion",
        "UnsupportedRegion",
        "RequestLimitExceeded",
        "AuthFailure.InvalidAuthorization",
        "AuthFailure.SignatureExpire",
        "AuthFailure.SecretIdNotFound",
        "AuthFailure.SignatureFailure",
        "AuthFailure.TokenFailure",
    },
}


def test_every_endpoint_can_answer_the_codes_the_gateway_raises(catalog: Catalog) -> None:
    for endpoint in catalog.endpoints.values():
        assert GATEWAY_CODES[endpoint.protocol] <= set(endpoint.codes), endpoint.id


def test_tencent_protocol_misses_are_in_its_glossary(catalog: Catalog) -> None:
    for code in ("InvalidAction", "MissingParameter", "UnsupportedProtocol"):
        assert catalog.glossary_code(code, "tencent").http_status == 200


def test_get_liveness_result_codes_are_file_004s(catalog: Catalog) -> None:
    own = {c for c, spec in catalog.endpoints["get_liveness_result"].codes.items() if not spec.from_glossary}
    assert own == {
        "SUCCESS",
        "InternalError",
        "InvalidParameter",
        "InvalidParameterValue.BizTokenExpired",
        "InvalidParameterValue.BizTokenIllegal",
        "OperationDenied",
    }
    assert catalog.endpoints["get_liveness_result"].result_codes["1001"] == "Failed to call the liveness engine"


def test_a_tencent_route_on_an_advance_host_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "catalog.schema.json").write_text((schemas_dir() / "catalog.schema.json").read_text())
    text = (schemas_dir() / "catalog.yaml").read_text()
    text = text.replace(
        "{host: faceid.tencentcloudapi.com, path: /, action: GetLivenessResult}",
        "{host: api.advance.ai, path: /, action: GetLivenessResult}",
    )
    (tmp_path / "catalog.yaml").write_text(text)
    with pytest.raises(
        CatalogError, match=r"get_liveness_result: route api\.advance\.ai/ does not fit protocol tencent"
    ):
        load_catalog(tmp_path)


def test_errors_are_free_and_success_pricing_follows_the_docs(catalog: Catalog) -> None:
    for endpoint in catalog.endpoints.values():
        for code, spec in endpoint.codes.items():
            assert spec.pricing == ("PAY" if (endpoint.id, code) == ("liveness_detection", "SUCCESS") else "FREE"), (
                endpoint.id,
                code,
            )


def test_a_broken_catalog_names_file_and_place(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("catalog.schema.json",):
        (tmp_path / name).write_text((schemas_dir() / name).read_text())
    text = (schemas_dir() / "catalog.yaml").read_text().replace("method: GET", "method: FETCH", 1)
    (tmp_path / "catalog.yaml").write_text(text)
    with pytest.raises(CatalogError, match=r"catalog.yaml:\d+: endpoints/pii_clear_data/method"):
        load_catalog(tmp_path)


def test_an_error_target_must_be_a_documented_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "catalog.schema.json").write_text((schemas_dir() / "catalog.schema.json").read_text())
    text = (schemas_dir() / "catalog.yaml").read_text().replace("message: try_count}", "message: no_such_key}")
    (tmp_path / "catalog.yaml").write_text(text)
    with pytest.raises(CatalogError, match="PARAMETER_ERROR/no_such_key is not a documented message"):
        load_catalog(tmp_path)

"""Over real HTTP: every documented route answers; routing by Host; the CLIENT_ERROR envelopes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import httpx
import pytest

from mock_server.contract.catalog import Catalog, Route
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer

from ..helpers import complete, h5_session, signed_body

URL = "https://www.example.com/back"
HEX16 = re.compile(r"^[0-9a-f]{16}$")


@pytest.fixture
def valid(http: httpx.Client, token: str) -> dict[str, dict[str, Any]]:
    return well_formed_requests(http, token)


def well_formed_requests(http: httpx.Client, token: str) -> dict[str, dict[str, Any]]:
    """A well-formed request for every endpoint, about a completed session and an SDK record."""
    signature_id = h5_session(http, token)["signatureId"]
    complete(http, signature_id, "pass")
    liveness_id = http.post("/__admin/liveness", json={"outcome": "pass"}).json()["livenessId"]
    return {
        "token_authentication": signed_body(),
        "configure_ui": {
            "titleText": "Liveness Detection",
            "mobileLoadingPage": {"loadingText": "Loading...", "loadingTextColor": "#ffffff"},
        },
        "get_token": {"returnUrl": URL, "region": "IDN"},
        "get_result": {"signatureId": signature_id},
        "pii_clear_data": {"signatureId": signature_id},
        "generate_url": {"returnUrl": URL, "region": "PHL", "prefersColorScheme": "dark"},
        "liveness_detection": {"livenessId": liveness_id, "resultType": "IMAGE_URL", "region": "SGP"},
        "get_video": {"livenessId": liveness_id},
    }


def send(
    http: httpx.Client, route: Route, params: dict[str, Any], token: str, host: str | None = None
) -> httpx.Response:
    headers = {"Host": host or route.host, "X-ACCESS-TOKEN": token}
    if route.method == "GET":
        return http.get(route.path, params=params, headers=headers)
    return http.post(route.path, json=params, headers=headers)


def test_every_endpoint_has_a_valid_request_here(catalog: Catalog, valid: dict[str, dict[str, Any]]) -> None:
    assert set(valid) == {
        eid for eid, e in catalog.endpoints.items() if e.protocol == "advance"
    }  # tests/tencent: the rest


def test_every_route_answers_a_well_formed_request(
    http: httpx.Client, token: str, valid: dict[str, dict[str, Any]], catalog: Catalog, contract: ContractSchemas
) -> None:
    answer_every_route(http, token, valid, catalog, contract)


def answer_every_route(
    http: httpx.Client, token: str, valid: dict[str, dict[str, Any]], catalog: Catalog, contract: ContractSchemas
) -> None:
    """SUCCESS, valid against its schema, from every ADVANCE AI (host, path); clear-data last."""
    routes = sorted(catalog.routes("advance"), key=lambda r: r.endpoint_id == "pii_clear_data")
    for route in routes:
        response = send(http, route, valid[route.endpoint_id], token)
        body = response.json()
        assert (response.status_code, body["code"]) == (200, "SUCCESS"), (route, body)
        assert contract.response_problems(route.endpoint_id, body) == []
        assert response.headers["content-type"] == "application/json"


def test_a_regional_path_on_another_host_is_404(http: httpx.Client) -> None:
    response = http.post(
        "/my/openapi/face-identity/v1/liveness-detection",
        json={"livenessId": "x"},
        headers={"Host": "th-api.advance.ai"},
    )
    assert response.status_code == 404
    assert response.json() | {"transactionId": "-"} == {
        "code": "CLIENT_ERROR",
        "message": "HTTP 404 - Not Found",
        "data": None,
        "extra": None,
        "transactionId": "-",
        "pricingStrategy": "FREE",
    }


def test_unknown_path_is_404_client_error(http: httpx.Client) -> None:
    response = http.get("/openapi/liveness/v9/nothing")
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (
        404,
        "CLIENT_ERROR",
        "HTTP 404 - Not Found",
    )


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_wrong_method_is_405_with_allow(http: httpx.Client, method: str) -> None:
    response = http.request(method, "/openapi/liveness/v4/h5/get-result")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["message"] == "HTTP 405 - Method Not Allowed"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"signatureId": ', "application/json"),
        (b"", "application/json"),
        (b'["f302f5d2454a85c2"]', "application/json"),
        (b'"f302f5d2454a85c2"', "application/json"),
        (b'{"signatureId": NaN}', "application/json"),
        (b'{"signatureId": "f302f5d2454a85c2"}', "text/plain"),
        (b"signatureId=f302f5d2454a85c2", "application/x-www-form-urlencoded"),
        (b'{"signatureId": "f302f5d2454a85c2"}', ""),
        (b"\xff\xfe{", "application/json"),
    ],
)
def test_malformed_body_is_400_client_error(http: httpx.Client, content: bytes, content_type: str) -> None:
    response = http.post("/openapi/liveness/v4/h5/get-result", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == ("CLIENT_ERROR", "HTTP 400 - Bad Request")


def test_json_with_charset_is_accepted(api: httpx.Client, valid: dict[str, dict[str, Any]]) -> None:
    body = json.dumps(valid["get_result"]).encode()
    response = api.post(
        "/openapi/liveness/v4/h5/get-result", content=body, headers={"Content-Type": "application/json; charset=UTF-8"}
    )
    assert response.json()["code"] == "SUCCESS"


def test_an_oversized_body_is_refused_without_reading_it_all(http: httpx.Client) -> None:
    response = http.post(
        "/openapi/liveness/v4/h5/get-result",
        content=b"{" + b" " * (2 << 20) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()["message"]) == (413, "HTTP 413 - Payload Too Large")


def test_business_errors_come_with_http_200(api: httpx.Client) -> None:
    response = api.post("/openapi/liveness/v2/h5/token", json={"returnUrl": URL, "region": "XXX"})
    assert (response.status_code, response.json()["code"]) == (200, "REGION_WRONG")


def test_every_response_has_a_fresh_16_hex_transaction_id(http: httpx.Client) -> None:
    ids = [http.post("/openapi/liveness/v4/h5/get-result", json={}).json()["transactionId"] for _ in range(20)]
    assert all(HEX16.match(i) for i in ids) and len(set(ids)) == 20


@pytest.mark.parametrize(
    "host", ["my-api.advance.ai", "my-api.advance.ai:8080", "my-api.localhost", "my-api.localhost:1"]
)
def test_host_header_selects_the_regional_route(api: httpx.Client, valid: dict[str, dict[str, Any]], host: str) -> None:
    path, body = "/my/openapi/face-identity/v1/liveness-detection", valid["liveness_detection"]
    assert api.post(path, json=body, headers={"Host": host}).json()["code"] == "SUCCESS"
    assert api.post(path, json=body).status_code == 404  # 127.0.0.1 is api.advance.ai


def test_unknown_hosts_are_api_advance_ai(api: httpx.Client, valid: dict[str, dict[str, Any]]) -> None:
    for host in ("localhost", "127.0.0.1", "example.org", "nope-api.localhost"):
        response = api.get("/liveness/ext/v1/get-video", params=valid["get_video"], headers={"Host": host})
        assert response.json()["code"] == "SUCCESS"


@pytest.mark.skipif(
    shutil.which("curl") is None, reason="curl is not installed; the Host-header tests cover the same routing"
)
def test_curl_resolve_reaches_the_malaysian_route(
    server: ThreadedServer, token: str, valid: dict[str, dict[str, Any]]
) -> None:
    port = server.url.rsplit(":", 1)[1]
    liveness_id = valid["get_video"]["livenessId"]
    url = f"http://my-api.advance.ai:{port}/intl/openapi/liveness/ext/v1/get-video?livenessId={liveness_id}"

    def curl(host: str) -> dict[str, Any]:
        command = ["curl", "-sS", "--max-time", "5", "-H", f"X-ACCESS-TOKEN: {token}"]
        command += ["--resolve", f"{host}:{port}:127.0.0.1", url.replace("my-api.advance.ai", host)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)
        return dict(json.loads(result.stdout))

    assert curl("my-api.advance.ai")["code"] == "SUCCESS"
    assert curl("vn-api.advance.ai")["message"] == "HTTP 404 - Not Found"

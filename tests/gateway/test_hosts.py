from __future__ import annotations

import httpx
import pytest

from mock_server.contract.catalog import Catalog
from mock_server.gateway.hosts import HostResolver, strip_port


@pytest.fixture(scope="module")
def resolver(catalog: Catalog) -> HostResolver:
    return HostResolver(catalog.hosts, catalog.default_host)


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("my-api.advance.ai", "my-api.advance.ai"),
        ("my-api.advance.ai:8080", "my-api.advance.ai"),
        ("MY-API.Advance.AI.", "my-api.advance.ai"),
        ("my-api.localhost:8080", "my-api.advance.ai"),
        ("sg-api.localhost", "sg-api.advance.ai"),
        ("nope-api.localhost", "api.advance.ai"),
        ("127.0.0.1:8080", "api.advance.ai"),
        ("localhost", "api.advance.ai"),
        ("[::1]:8080", "api.advance.ai"),
        ("evil.advance.ai.example.com", "api.advance.ai"),
        ("", "api.advance.ai"),
        (None, "api.advance.ai"),
    ],
)
def test_resolve(resolver: HostResolver, header: str | None, host: str) -> None:
    assert resolver.resolve(header) == host
    assert resolver.resolve(header) == host  # memoised answer is the same


def test_strip_port_keeps_ipv6_brackets() -> None:
    assert strip_port("[::1]:80") == "[::1]"
    assert strip_port("[::1]") == "[::1]"
    assert strip_port("a.b:1") == "a.b"


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/@sg-api/intl/openapi/x", ("sg-api.advance.ai", "/intl/openapi/x")),
        ("/@sg-api.advance.ai/intl/openapi/x", ("sg-api.advance.ai", "/intl/openapi/x")),
        ("/@SG-API/a", ("sg-api.advance.ai", "/a")),
        ("/@faceid/", ("faceid.tencentcloudapi.com", "/")),
        ("/@sg-api", ("sg-api.advance.ai", "/")),
        ("/@nope-api/a", None),
        ("/@/a", None),
    ],
)
def test_the_host_may_lead_the_path(resolver: HostResolver, path: str, found: tuple[str, str] | None) -> None:
    assert resolver.split_path(path) == found


def test_every_regional_route_answers_by_base_url_alone(http: httpx.Client, catalog: Catalog, token: str) -> None:
    """What a client that can set no Host header (and resolves no *.localhost) sends: the host in the path."""
    for route in catalog.routes("advance"):
        url = f"/@{route.host.split('.', 1)[0]}{route.path}"
        response = http.request(route.method, url, headers={"X-ACCESS-TOKEN": token}, json=None)
        assert response.status_code != 404, (route, response.text[:200])
        answered = [e for e in http.get("/__admin/requests", params={"limit": 1}).json()["requests"]]
        assert (answered[0]["host"], answered[0]["endpoint"]) == (route.host, route.endpoint_id)


def test_the_path_form_beats_the_host_header_and_an_unknown_name_is_a_404(http: httpx.Client) -> None:
    answer = http.get("/@my-api/intl/openapi/liveness/ext/v1/get-video", headers={"Host": "sg-api.advance.ai"})
    assert answer.json()["code"] == "IAM_FAILED"  # the route exists on my-api
    entry = http.get("/__admin/requests", params={"limit": 1}).json()["requests"][0]
    assert entry["host"] == "my-api.advance.ai"
    missing = http.get("/@nowhere-api/intl/openapi/liveness/ext/v1/get-video")
    assert (missing.status_code, missing.json()["code"]) == (404, "CLIENT_ERROR")


def test_the_openapi_servers_for_a_mock_url_lead_with_the_host(catalog: Catalog) -> None:
    from mock_server.contract.openapi import OpenApiBuilder
    from mock_server.contract.resources import schemas_dir
    from mock_server.contract.schemas import load_contract

    document = OpenApiBuilder(catalog, load_contract(catalog, schemas_dir()), mock_url="http://127.0.0.1:9/").build()
    item = document["paths"]["/my/openapi/face-identity/v1/liveness-detection"]
    assert item["servers"] == [{"url": "http://127.0.0.1:9/@my-api", "description": "my-api.advance.ai"}]

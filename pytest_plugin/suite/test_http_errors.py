"""HTTP-level errors every endpoint shares: CLIENT_ERROR carries the status its message names."""

from __future__ import annotations

import pytest

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms

pytestmark = pytest.mark.liveness_contract

POSTS = [e for e in spec.advance_endpoints() if spec.endpoint(e).method == "POST"]


@pytest.mark.parametrize("endpoint", POSTS)
def test_a_body_that_is_not_json_is_http_400(liveness_api: LivenessClient, endpoint: str) -> None:
    route = spec.documented_routes(endpoint)[0]
    response = liveness_api.post(
        route.path, host=route.host, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_conforms(endpoint, response, expect=("CLIENT_ERROR", "HTTP 400 - Bad Request"), why="the body is not JSON")


@pytest.mark.parametrize("endpoint", spec.advance_endpoints())
def test_the_wrong_method_is_http_405(liveness_api: LivenessClient, endpoint: str) -> None:
    route = spec.documented_routes(endpoint)[0]
    method = "GET" if route.method == "POST" else "POST"
    response = (
        liveness_api.get(route.path, host=route.host)
        if method == "GET"
        else liveness_api.post(route.path, json={}, host=route.host)
    )
    assert_conforms(
        endpoint,
        response,
        expect=("CLIENT_ERROR", "HTTP 405 - Method Not Allowed"),
        why=f"{method} on a {route.method} route",
    )
